#version 330 core
// Translucent zones; no-go zones are hatched with 45-degree stripes 0.25 m wide.
in vec3 v_world;
in vec4 v_color;
in float v_stripe;

out vec4 frag;

void main() {
    vec4 c = v_color;
    if (v_stripe > 0.5) {
        float s = fract((v_world.x + v_world.z) * 2.0);
        c.a *= (s < 0.5) ? 1.0 : 0.25;
    }
    frag = c;
}
