#version 330 core
// The floor's metre grid, drawn in the shader: thin lines every metre, stronger every
// 5 m, anti-aliased with fwidth so they stay about one pixel wide at any distance and
// fade where they would crowd (far away, grazing angles). The floor is half of every
// frame, so this is the most-run shader: the colour comes per vertex, fog by view depth.
in vec2 v_xz;
flat in vec3 v_color;

uniform vec3 u_fog_color;
uniform vec2 u_fog;            // metres: fog starts, fog is full (mixed at 55%)

out vec4 frag;

void main() {
    vec3 base = v_color;
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
