#version 330 core
// The floor: a flat colour, or with FLOOR_TILES a colour per tile (art layers), and a
// metre grid drawn in the shader: thin lines every metre, stronger every 5 m,
// anti-aliased with fwidth so they stay about one pixel wide at any distance and fade
// where they would crowd (far away, grazing angles). Outside the map the floor is darker.
// The floor covers half the frame, so this is the frame's most-run shader: the tile
// texture is only sampled when the level has floor colours.
in vec2 v_xz;

uniform sampler2D u_tiles;     // FLOOR_TILES: (rows, cols) RGB, one texel per tile, nearest
uniform vec3 u_floor;          // otherwise: the floor colour
uniform vec2 u_extent;         // metres: map width (x), depth (z)
uniform vec3 u_fog_color;
uniform vec2 u_fog;            // metres: fog starts, fog is full (mixed at 55%)

out vec4 frag;

void main() {
    vec2 uv = v_xz / u_extent;
#ifdef FLOOR_TILES
    vec3 base = texture(u_tiles, uv).rgb;
#else
    vec3 base = u_floor;
#endif
    if (any(lessThan(uv, vec2(0.0))) || any(greaterThanEqual(uv, vec2(1.0)))) base *= 0.45;
    vec2 w = fwidth(v_xz);                                   // metres per pixel
    vec2 g1 = abs(fract(v_xz - 0.5) - 0.5) / w;              // pixels to the nearest 1 m line
    vec2 g5 = abs(fract(v_xz * 0.2 - 0.5) - 0.5) * 5.0 / w;  // ... and 5 m line
    float wm = max(w.x, w.y);
    float l1 = (1.0 - clamp(min(g1.x, g1.y), 0.0, 1.0)) * clamp(1.0 - (wm - 0.12) * 5.0, 0.0, 1.0);
    float l5 = (1.0 - clamp(min(g5.x, g5.y) / 1.6, 0.0, 1.0)) * clamp(1.0 - (wm - 0.6) * 1.0, 0.0, 1.0);
    vec3 c = base * (1.0 - 0.30 * l1);
    c = mix(c, base * 0.40, l5 * 0.9);
    // Fog by view depth (1 / gl_FragCoord.w): free, where a radial distance costs a sqrt.
    float f = clamp((1.0 / gl_FragCoord.w - u_fog.x) / (u_fog.y - u_fog.x), 0.0, 1.0);
    frag = vec4(mix(c, u_fog_color, f * 0.55), 1.0);
}
