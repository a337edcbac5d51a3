#version 330 core
// The wide-lens map (previs/gl/lens_warp.py), drawn once per layout: each frame pixel's
// direction through the lens model's inverse (the GLSL form of previs/lens.py
// Lens.unproject), then where that direction lies in the atlas of prism faces
// (previs/gl/prism_faces.py), written as atlas texture coordinates into an RG16 map that
// every frame's warp pass (lens_warp.frag) reads.
in vec2 v_ndc;

uniform vec2 u_atlas_size;   // pixels
uniform float u_aspect;      // frame width / height
uniform float u_focal;       // the lens's focal length in half-widths, 1 / r(hfov / 2)
uniform int u_model;         // 1 equidistant (r = theta), 2 Kannala-Brandt polynomial
uniform vec4 u_k;            // k1..k4 of the polynomial
uniform mat3 u_face_rot[8];  // camera-from-face rotations (6 side faces by yaw, up, down)
uniform vec4 u_bounds[8];    // a0, a1, b0, b1: the face rectangle in tangent units
uniform vec4 u_rect[8];      // x, y, w, h: its place in the atlas, pixels
uniform float u_up_ratio;    // prism_faces.UP_RATIO
uniform int u_flip;          // 1: the atlas was drawn top row first (clip control)

out vec4 frag;

// theta of image radius r (unit focal length). Kannala-Brandt: Newton from theta = r;
// the preset's slope is >= 0.93 on [0, 90 deg], so 6 steps reach float precision.
float theta_of(float r) {
    if (u_model == 1) return r;
    float t = r;
    for (int i = 0; i < 6; i++) {
        float t2 = t * t;
        float f = t * (1.0 + t2 * (u_k.x + t2 * (u_k.y + t2 * (u_k.z + t2 * u_k.w)))) - r;
        float df = 1.0 + t2 * (3.0 * u_k.x + t2 * (5.0 * u_k.y + t2 * (7.0 * u_k.z + t2 * 9.0 * u_k.w)));
        t -= f / df;
    }
    return t;
}

void main() {
    vec2 p = vec2(v_ndc.x, v_ndc.y / u_aspect) / u_focal;
    float r = length(p);
    float t = theta_of(r);
    vec3 d = vec3(p * (r > 0.0 ? sin(t) / r : 1.0), -cos(t));
    // The side face nearest the yaw (every 60 deg), unless the height is more than
    // u_up_ratio times the depth along that face's axis: up or down (prism_faces.face_of).
    float step = radians(60.0);
    int face = int(mod(floor(atan(d.x, -d.z) / step + 0.5), 6.0));
    float axis = float(face) * step;
    if (abs(d.y) > u_up_ratio * (d.x * sin(axis) - d.z * cos(axis))) face = d.y > 0.0 ? 6 : 7;
    vec3 l = d * u_face_rot[face];   // row vector times matrix: the face-local direction
    vec2 ab = l.xy / -l.z;
    vec4 bd = u_bounds[face];
    vec2 f = (ab - bd.xz) / (bd.yw - bd.xz);
    if (u_flip == 1) f.y = 1.0 - f.y;
    vec4 rc = u_rect[face];
    frag = vec4((rc.xy + f * rc.zw) / u_atlas_size, 0.0, 1.0);
}
