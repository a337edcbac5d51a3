#version 330 core
// Static walls: one merged mesh in world metres (x east, y up, z south). Shading is per
// vertex: faces are flat, and side faces are split at 1.2 m (previs/render/geometry.py)
// so that the darkening toward the floor, linear in height below 1.2 m, is exact.
layout(location = 0) in vec3 a_pos;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in vec3 a_color;   // 0..1, the tile's `color`

uniform mat4 u_viewproj;

out vec3 v_color;

void main() {
    // Each axis direction has its own fixed shade, so the four sides of a block and its
    // top always read apart: top 0.92, east 0.74, north 0.69, south 0.55, west 0.50.
    vec3 n = a_normal;
    float shade = 0.62 + 0.30 * n.y + 0.12 * n.x - 0.07 * n.z;
    // Darker toward the floor: a fake contact shadow over the lowest 1.2 m.
    shade *= mix(0.72, 1.0, clamp(a_pos.y / 1.2, 0.0, 1.0));
    v_color = a_color * shade;
    gl_Position = u_viewproj * vec4(a_pos, 1.0);
}
