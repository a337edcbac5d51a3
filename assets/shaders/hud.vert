#version 330 core
// Screen-space quads for the HUD, in pixels with the origin at the top-left.
layout(location = 0) in vec2 a_unit;     // 0..1 corner of the unit quad

uniform vec4 u_rect;     // x, y, w, h in pixels
uniform vec2 u_screen;   // framebuffer width, height in pixels

out vec2 v_uv;

void main() {
    vec2 px = u_rect.xy + a_unit * u_rect.zw;
    v_uv = a_unit;   // textures are uploaded top row first, so v = 0 is the top
    gl_Position = vec4(px.x / u_screen.x * 2.0 - 1.0, 1.0 - px.y / u_screen.y * 2.0, 0.0, 1.0);
}
