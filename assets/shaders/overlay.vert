#version 330 core
// Floor overlays: zone polygons and path ribbons, a few centimetres above the floor.
layout(location = 0) in vec3 a_pos;
layout(location = 1) in vec4 a_color;
layout(location = 2) in float a_stripe;  // 1: no-go hatching

uniform mat4 u_viewproj;

out vec3 v_world;
out vec4 v_color;
out float v_stripe;

void main() {
    v_world = a_pos;
    v_color = a_color;
    v_stripe = a_stripe;
    gl_Position = u_viewproj * vec4(a_pos, 1.0);
}
