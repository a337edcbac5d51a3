#version 330 core
// Performers, all in one instanced draw. The template body is built for a 1.8 m person
// (previs/render/geometry.py): part 0 legs/torso/arms and part 3 chest plate are in units
// of the performer's radius (x, z) and height (y); parts 1 head, 2 nose and 4 visor are
// metres, scaled uniformly by height / 1.8. Local -Z is the body's front (yaw 0 faces
// north, -Z).
layout(location = 0) in vec3 a_pos;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in float a_part;
// Per instance:
layout(location = 3) in vec4 i_pose;   // x, z (m), facing yaw (radians), down (0/1)
layout(location = 4) in vec4 i_color;  // r, g, b (0..1), unused
layout(location = 5) in vec2 i_size;   // radius, height (m)

uniform mat4 u_viewproj;

out vec3 v_color;   // shaded; world.frag adds the fog

const float TEMPLATE_HEIGHT = 1.8;

void main() {
    float r = i_size.x, h = i_size.y;
    int part = int(a_part + 0.5);
    vec3 p, n = a_normal;
    if (part == 0 || part == 3) {
        p = vec3(a_pos.x * r, a_pos.y * h, a_pos.z * r);
        n = normalize(vec3(a_normal.x / max(r, 1e-3), a_normal.y / max(h, 1e-3), a_normal.z / max(r, 1e-3)));
    } else {
        p = a_pos * (h / TEMPLATE_HEIGHT);
    }
    if (i_pose.w > 0.5) {
        // Down: fallen backwards, face up, head away from where it faced; lying on the
        // floor (rotate +90 deg about X: y' = -z, z' = y, then lift by the radius).
        p = vec3(p.x, -p.z + r, p.y);
        n = vec3(n.x, -n.z, n.y);
    }
    float c = cos(i_pose.z), s = sin(i_pose.z);
    // rotateY(yaw): x' = x cos + z sin, z' = -x sin + z cos
    vec3 w = vec3(p.x * c + p.z * s, p.y, -p.x * s + p.z * c) + vec3(i_pose.x, 0.0, i_pose.y);
    vec3 wn = normalize(vec3(n.x * c + n.z * s, n.y, -n.x * s + n.z * c));
    vec3 col = i_color.rgb;
    if (part == 1) col = mix(col, vec3(0.93, 0.78, 0.66), 0.6);    // head: skin-ish
    else if (part == 2) col = vec3(0.95, 0.78, 0.25);               // nose: bright
    else if (part == 3) col = mix(col, vec3(1.0), 0.45);            // chest plate: front
    else if (part == 4) col = vec3(0.14, 0.16, 0.20);               // visor: eyes
    if (i_pose.w > 0.5) col *= 0.7;
    // A soft key light from above-front so round shapes read as round (per vertex:
    // ~400 vertices a body, a handful of pixels each).
    vec3 l = normalize(vec3(0.35, 0.85, 0.40));
    float shade = 0.50 + 0.50 * max(dot(wn, l), 0.0) + 0.10 * wn.y;
    v_color = col * shade * mix(0.72, 1.0, clamp(w.y / 1.2, 0.0, 1.0));  // darker toward the floor
    gl_Position = u_viewproj * vec4(w, 1.0);
}
