#version 330 core
// Static walls: one merged mesh in world metres (x east, y up, z south); coplanar
// neighbouring faces are merged into long quads (previs/render/geometry.py), so shading
// that is constant per face is done here and only fog is left per pixel.
layout(location = 0) in vec3 a_pos;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in vec3 a_color;   // 0..1, the tile's `color`

uniform mat4 u_viewproj;

out vec3 v_color;
out vec3 v_world;

void main() {
    // Each axis direction has its own fixed shade, so the four sides of a block and its
    // top always read apart: top 0.92, east 0.74, north 0.69, south 0.55, west 0.50.
    vec3 n = a_normal;
    v_color = a_color * (0.62 + 0.30 * n.y + 0.12 * n.x - 0.07 * n.z);
    v_world = a_pos;
    gl_Position = u_viewproj * vec4(a_pos, 1.0);
}
