#version 330 core
// Bodies: a soft key light from above-front so round shapes read as round.
in vec3 v_world;
in vec3 v_normal;
flat in vec3 v_color;

uniform vec3 u_eye;
uniform vec3 u_fog_color;
uniform vec2 u_fog;

out vec4 frag;

void main() {
    vec3 n = normalize(v_normal);
    vec3 l = normalize(vec3(0.35, 0.85, 0.40));
    float shade = 0.50 + 0.50 * max(dot(n, l), 0.0) + 0.10 * n.y;
    vec3 c = v_color * shade;
    float d = distance(v_world, u_eye);
    float f = clamp((d - u_fog.x) / max(u_fog.y - u_fog.x, 1e-3), 0.0, 1.0) * 0.55;
    frag = vec4(mix(c, u_fog_color, f), 1.0);
}
