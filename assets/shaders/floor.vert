#version 330 core
// The floor at y = 0: one quad covering the level plus a margin (two big triangles bin
// faster on a software rasteriser than a tessellated grid).
layout(location = 0) in vec2 a_xz;

uniform mat4 u_viewproj;

out vec2 v_xz;

void main() {
    v_xz = a_xz;
    gl_Position = u_viewproj * vec4(a_xz.x, 0.0, a_xz.y, 1.0);
}
