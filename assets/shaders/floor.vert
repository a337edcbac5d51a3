#version 330 core
// The floor at y = 0: the map's tiles as rectangles of one colour each (art-layer
// colours, or flat grey) and a darker margin beyond the map's edge.
layout(location = 0) in vec2 a_xz;
layout(location = 1) in vec3 a_color;

uniform mat4 u_viewproj;

out vec2 v_xz;
flat out vec3 v_color;

void main() {
    v_xz = a_xz;
    v_color = a_color;
    gl_Position = u_viewproj * vec4(a_xz.x, 0.0, a_xz.y, 1.0);
}
