#version 330 core
// Walls and bodies: the shaded colour from the vertex stage, darkened toward the floor
// (a fake contact shadow over the lowest 1.2 m) and faded toward the sky with distance.
in vec3 v_color;
in vec3 v_world;

uniform vec3 u_eye;
uniform vec3 u_fog_color;
uniform vec2 u_fog;            // metres: fog starts, fog is full (mixed at 55%)

out vec4 frag;

void main() {
    vec3 c = v_color * mix(0.72, 1.0, clamp(v_world.y / 1.2, 0.0, 1.0));
    float f = clamp((distance(v_world, u_eye) - u_fog.x) / (u_fog.y - u_fog.x), 0.0, 1.0) * 0.55;
    frag = vec4(mix(c, u_fog_color, f), 1.0);
}
