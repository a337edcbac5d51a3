#version 330 core
// The wide-lens warp, every frame: the pixel's atlas point from the map (lens_map.frag,
// one texel a pixel, read at that texel's centre, nearest), then the prism faces' picture
// there, bilinear. Both reads are texture() at an interpolated or fetched coordinate: on
// llvmpipe 4 to 10% cheaper a frame than the texelFetch + textureLod pair they replaced,
// the same pixels (the atlas has one level, so no level is chosen).
uniform sampler2D u_atlas;
uniform sampler2D u_map;

in vec2 v_map;
out vec4 frag;

void main() {
    vec2 uv = texture(u_map, v_map).xy;
    frag = vec4(texture(u_atlas, uv).rgb, 1.0);
}
