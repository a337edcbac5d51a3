#version 330 core
// Static walls: one merged mesh in world metres (x east, y up, z south).
layout(location = 0) in vec3 a_pos;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in vec3 a_color;   // 0..1, the tile's `color`

uniform mat4 u_viewproj;

out vec3 v_world;
out vec3 v_normal;
out vec3 v_color;

void main() {
    v_world = a_pos;
    v_normal = a_normal;
    v_color = a_color;
    gl_Position = u_viewproj * vec4(a_pos, 1.0);
}
