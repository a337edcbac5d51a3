#version 330 core
// The floor's metre grid, drawn in the shader: thin lines every metre, stronger every
// 5 m, anti-aliased with fwidth so they stay about one pixel wide at any distance and
// fade where they would crowd (far away, grazing angles). The floor is half of every
// frame, so this is the most-run shader: the colour comes per vertex, fog by view depth.
// The grid darkens the tile colour by one factor k (1 off the lines). Where a line term
// has faded out for good (wm: metres per pixel; 1 m lines gone at 0.32, 5 m lines at 1.6,
// the far floor and grazing views) its maths is skipped: llvmpipe skips a branch that no
// pixel of its block takes. Same pixels as the unbranched formula (corridor and finale
// stills compared: 0 pixels differ); llvmpipe CPU per full-floor draw 2.69 -> 2.39 ms
// (a flat floor 2.07), medians of 8 interleaved passes on a loaded machine.
in vec2 v_xz;
flat in vec3 v_color;

uniform vec3 u_fog_color;
uniform vec2 u_fog;            // metres: fog starts, fog is full (mixed at 55%)

out vec4 frag;

void main() {
    vec2 w = fwidth(v_xz);                                   // metres per pixel
    float wm = max(w.x, w.y);
    float k = 1.0;
    if (wm < 1.6) {
        vec2 iw = 1.0 / w;
        // pixels to the nearest 5 m line, over 1.6 (the 5 m line's anti-aliasing width)
        vec2 g5 = abs(fract(v_xz * 0.2 - 0.5) - 0.5) * (5.0 / 1.6) * iw;
        float l5 = clamp(1.0 - min(g5.x, g5.y), 0.0, 1.0) * clamp(1.6 - wm, 0.0, 1.0);
        float l1 = 0.0;
        if (wm < 0.32) {
            vec2 g1 = abs(fract(v_xz - 0.5) - 0.5) * iw;     // pixels to the nearest 1 m line
            l1 = clamp(1.0 - min(g1.x, g1.y), 0.0, 1.0) * clamp(1.6 - wm * 5.0, 0.0, 1.0);
        }
        // 1 m lines at 70% of the tile, 5 m lines mixed 90% toward 40% of it
        k = (1.0 - 0.30 * l1) * (1.0 - 0.9 * l5) + 0.36 * l5;
    }
    // Fog by view depth (1 / gl_FragCoord.w): free, where a radial distance costs a sqrt.
    float f = clamp((1.0 / gl_FragCoord.w - u_fog.x) / (u_fog.y - u_fog.x), 0.0, 1.0);
    frag = vec4(mix(v_color * k, u_fog_color, f * 0.55), 1.0);
}
