#version 330 core
// Walls lit by face normal only: each axis direction gets its own fixed shade so that
// the four sides of a block and its top always read apart (top 0.92, east 0.74,
// north 0.69, south 0.55, west 0.50), darkened toward the floor (fake contact shadow)
// and faded into the sky colour with distance.
in vec3 v_world;
in vec3 v_normal;
in vec3 v_color;

uniform vec3 u_eye;
uniform vec3 u_fog_color;
uniform vec2 u_fog;            // metres: fog starts, fog is full (mixed at 55%)

out vec4 frag;

void main() {
    vec3 n = normalize(v_normal);
    float shade = 0.62 + 0.30 * n.y + 0.12 * n.x - 0.07 * n.z;
    shade *= mix(0.72, 1.0, clamp(v_world.y / 1.2, 0.0, 1.0));
    vec3 c = v_color * shade;
    float d = distance(v_world, u_eye);
    float f = clamp((d - u_fog.x) / max(u_fog.y - u_fog.x, 1e-3), 0.0, 1.0) * 0.55;
    frag = vec4(mix(c, u_fog_color, f), 1.0);
}
