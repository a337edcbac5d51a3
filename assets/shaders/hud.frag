#version 330 core
// A HUD panel (pygame surface uploaded as RGBA, straight alpha) or a solid colour.
in vec2 v_uv;

uniform sampler2D u_tex;
uniform vec4 u_color;    // multiplies the texture; the colour itself when u_solid
uniform int u_solid;

out vec4 frag;

void main() {
    frag = (u_solid == 1) ? u_color : texture(u_tex, v_uv) * u_color;
}
