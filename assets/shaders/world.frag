#version 330 core
// Walls and bodies: the shaded colour from the vertex stage, faded toward the sky with
// view depth (1 / gl_FragCoord.w: free, where a radial distance would cost a sqrt).
in vec3 v_color;

uniform vec3 u_fog_color;
uniform vec2 u_fog;            // metres: fog starts, fog is full (mixed at 55%)

out vec4 frag;

void main() {
    float f = clamp((1.0 / gl_FragCoord.w - u_fog.x) / (u_fog.y - u_fog.x), 0.0, 1.0) * 0.55;
    frag = vec4(mix(v_color, u_fog_color, f), 1.0);
}
