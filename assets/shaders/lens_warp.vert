#version 330 core
// One triangle over the whole frame (no vertex buffer: corners from gl_VertexID), for the
// wide-lens map and warp passes (previs/gl/lens_warp.py). v_ndc is the frame point in
// normalised device coordinates: x right, y up (the picture's top), [-1, 1]. v_map is the
// map texel of the pixel, as texture coordinates: the map was written in window rows, which
// run down from the top when the frame is drawn top row first (clip control upper left:
// u_rows_down 1), else up; the map pass leaves u_rows_down unset.
uniform int u_rows_down;

out vec2 v_ndc;
out vec2 v_map;

void main() {
    vec2 c = vec2(float((gl_VertexID & 1) * 4 - 1), float((gl_VertexID & 2) * 2 - 1));
    v_ndc = c;
    v_map = 0.5 + 0.5 * vec2(c.x, u_rows_down == 1 ? -c.y : c.y);
    gl_Position = vec4(c, 0.0, 1.0);
}
