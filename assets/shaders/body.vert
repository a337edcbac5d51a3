#version 330 core
// Posed bodies (and held props), all in a few instanced draws. Each vertex of the mesh
// (previs/gl/body_mesh.py) is written in its bone's frame at template scale and names the
// bone; the bone's world matrix (pose, uniform scale height / 1.8, position) comes from
// u_bones, a buffer texture of RGBA32F texels filled each frame, one block per instance:
//   texel 0: r, g, b (0..1), dim (1 normal, 0.7 down)
//   texels 1 + 3 * bone .. + 2: the first three rows of the bone's 4x4 world matrix.
// Instance i of a draw reads the block at u_first + i * u_block.
layout(location = 0) in vec3 a_pos;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in float a_part;
layout(location = 3) in float a_bone;

uniform mat4 u_viewproj;
uniform samplerBuffer u_bones;
uniform int u_first;   // texel of this draw's first block
uniform int u_block;   // texels per block: 1 + 3 * bones

out vec3 v_color;   // shaded; world.frag adds the fog

void main() {
    int base = u_first + gl_InstanceID * u_block;
    int b = base + 1 + 3 * int(a_bone + 0.5);
    vec4 r0 = texelFetch(u_bones, b), r1 = texelFetch(u_bones, b + 1), r2 = texelFetch(u_bones, b + 2);
    vec4 p = vec4(a_pos, 1.0);
    vec3 w = vec3(dot(r0, p), dot(r1, p), dot(r2, p));
    // The 3x3 part is a rotation times a uniform scale: normalising undoes the scale.
    vec3 wn = normalize(vec3(dot(r0.xyz, a_normal), dot(r1.xyz, a_normal), dot(r2.xyz, a_normal)));
    vec4 inst = texelFetch(u_bones, base);
    vec3 col = inst.rgb;
    int part = int(a_part + 0.5);
    if (part == 1) col = mix(col, vec3(0.84, 0.64, 0.50), 0.85);       // head, neck, fists: skin, a hint of the clothes
    else if (part == 2) col = vec3(0.95, 0.78, 0.25);                   // nose: bright
    else if (part == 3) col = mix(col, vec3(1.0), 0.45);                // chest front: lighter
    else if (part == 4) col = vec3(0.14, 0.16, 0.20);                   // eye band
    else if (part == 5) col = mix(col, vec3(0.16, 0.17, 0.20), 0.45);   // trousers: darker
    else if (part == 6) col = vec3(0.12, 0.11, 0.10);                   // shoes
    col *= inst.a;
    // A soft key light from above-front so round shapes read as round (per vertex).
    vec3 l = normalize(vec3(0.35, 0.85, 0.40));
    float shade = 0.50 + 0.50 * max(dot(wn, l), 0.0) + 0.10 * wn.y;
    float low = mix(0.72, 1.0, clamp(w.y / 1.2, 0.0, 1.0));  // darker toward the floor
    // Props are small and mostly grey or dark: lit full and never darkened low, so a
    // knife at a cook's side still stands off the floor behind it.
    if (part == 7) { shade = max(shade, 1.0); low = 1.0; }
    v_color = col * shade * low;
    gl_Position = u_viewproj * vec4(w, 1.0);
}
