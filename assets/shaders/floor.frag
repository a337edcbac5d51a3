#version 330 core
// Floor colour per tile (art layers, or a flat grey) with a metre grid drawn in the
// shader: thin lines every metre, stronger every 5 m, anti-aliased with fwidth so they
// stay one pixel wide at any distance. Outside the map the floor is darker.
in vec2 v_xz;

uniform sampler2D u_tiles;     // (rows, cols) RGB, one texel per tile, nearest
uniform vec2 u_extent;         // metres: map width (x), depth (z)
uniform vec3 u_eye;
uniform vec3 u_fog_color;
uniform vec2 u_fog;

out vec4 frag;

float grid(vec2 p, float step_m, float width_px) {
    vec2 q = p / step_m;
    vec2 w = fwidth(q);
    vec2 g = abs(fract(q - 0.5) - 0.5) / max(w, vec2(1e-5));
    float line = min(g.x, g.y);
    // Fade lines out where they get denser than ~3 px apart (far away, grazing angles).
    float fade = clamp(1.0 - (max(w.x, w.y) - 0.12) / 0.2, 0.0, 1.0);
    return (1.0 - clamp(line / width_px, 0.0, 1.0)) * fade;
}

void main() {
    bool inside = all(greaterThanEqual(v_xz, vec2(0.0))) && all(lessThan(v_xz, u_extent));
    vec3 base = texture(u_tiles, clamp(v_xz / u_extent, 0.0, 1.0)).rgb;
    if (!inside) base = base * 0.45;
    float g1 = grid(v_xz, 1.0, 1.0);
    float g5 = grid(v_xz, 5.0, 1.6);
    vec3 c = mix(base, base * 0.62, g1 * 0.8);
    c = mix(c, base * 0.40, g5 * 0.9);
    float d = distance(vec3(v_xz.x, 0.0, v_xz.y), u_eye);
    float f = clamp((d - u_fog.x) / max(u_fog.y - u_fog.x, 1e-3), 0.0, 1.0) * 0.55;
    frag = vec4(mix(c, u_fog_color, f), 1.0);
}
