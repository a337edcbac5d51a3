#version 330 core
// The wide-lens warp, every frame: the pixel's atlas point from the map (lens_map.frag,
// one texel a pixel, indexed by the pixel itself), then the cube faces' picture there,
// bilinear (textureLod: the atlas has one level, and llvmpipe then skips the derivatives).
uniform sampler2D u_atlas;
uniform sampler2D u_map;

out vec4 frag;

void main() {
    vec2 uv = texelFetch(u_map, ivec2(gl_FragCoord.xy), 0).xy;
    frag = vec4(textureLod(u_atlas, uv, 0.0).rgb, 1.0);
}
