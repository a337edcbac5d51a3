#version 330 core
// One triangle over the whole frame (no vertex buffer: corners from gl_VertexID), for the
// wide-lens map and warp passes (previs/gl/lens_warp.py). v_ndc is the frame point in
// normalised device coordinates: x right, y up (the picture's top), [-1, 1].
out vec2 v_ndc;

void main() {
    vec2 c = vec2(float((gl_VertexID & 1) * 4 - 1), float((gl_VertexID & 2) * 2 - 1));
    v_ndc = c;
    gl_Position = vec4(c, 0.0, 1.0);
}
