#include "intersynth/render_gl/offscreen_renderer.h"

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <fmt/format.h>

#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>

#include <cmath>
#include <string>

#include "intersynth/util/error.h"

namespace intersynth {
namespace {

// Maps camera-frame points to clip space (see the file comment of the header):
// window x = fx X / Z + cx + 0.5, window y = fy Y / Z + cy + 0.5, so window
// row r is image row r, and depth is the usual perspective depth of z. The
// mesh and splat vertex shaders are compiled after it.
constexpr const char* kProjection = R"(#version 450 core
uniform mat4 camera_from_world;
uniform vec4 intrinsics;  // fx, fy, cx + 0.5, cy + 0.5
uniform vec2 size;
uniform vec2 near_far;
// Clip coordinates of a camera-frame point.
vec4 Clip(vec3 c) {
  float n = near_far.x, f = near_far.y, z = c.z;
  return vec4(2.0 * (intrinsics.x * c.x + intrinsics.z * z) / size.x - z,
              2.0 * (intrinsics.y * c.y + intrinsics.w * z) / size.y - z,
              ((f + n) * z - 2.0 * f * n) / (f - n), z);
}
)";

constexpr const char* kMeshVertex = R"(
layout(location = 0) in vec3 position;
out vec3 p_cam;
void main() {
  p_cam = (camera_from_world * vec4(position, 1.0)).xyz;
  gl_Position = Clip(p_cam);
}
)";

constexpr const char* kMeshFragment = R"(#version 450 core
in vec3 p_cam;
uniform vec3 color;
uniform uint instance;
uniform vec3 light;
uniform float ambient;
layout(location = 0) out vec4 out_color;
layout(location = 1) out uint out_instance;
layout(location = 2) out float out_depth;
void main() {
  vec3 n = normalize(cross(dFdx(p_cam), dFdy(p_cam)));
  float lambert = abs(dot(n, normalize(light)));
  out_color = vec4(color * (ambient + (1.0 - ambient) * lambert), 1.0);
  out_instance = instance;
  out_depth = p_cam.z;
}
)";

// Splats: a disc of radius r (metres) at camera depth z covers a square of
// 2 r fx / z pixels; the fragment shader cuts the disc out of it.
constexpr const char* kSplatVertex = R"(
layout(location = 0) in vec3 position;
layout(location = 1) in vec3 rgb;
layout(location = 2) in float point_radius;
out vec3 splat_color;
out float splat_z;
void main() {
  vec3 c = (camera_from_world * vec4(position, 1.0)).xyz;
  float z = c.z;
  gl_Position = Clip(c);
  gl_PointSize = z > 0.0 ? max(1.0, 2.0 * point_radius * intrinsics.x / z) : 0.0;
  splat_color = rgb;
  splat_z = z;
}
)";

constexpr const char* kSplatFragment = R"(#version 450 core
in vec3 splat_color;
in float splat_z;
layout(location = 0) out vec4 out_color;
layout(location = 1) out uint out_instance;
layout(location = 2) out float out_depth;
void main() {
  vec2 d = gl_PointCoord * 2.0 - 1.0;
  if (dot(d, d) > 1.0) discard;
  out_color = vec4(splat_color, 1.0);
  out_instance = 0u;
  out_depth = splat_z;
}
)";

// A triangle covering the viewport.
constexpr const char* kSceneVertex = R"(#version 450 core
void main() {
  vec2 p = vec2((gl_VertexID << 1) & 2, gl_VertexID & 2);
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
)";

constexpr const char* kSceneFragment = R"(#version 450 core
uniform sampler2D background;
uniform sampler2D scene_depth;
uniform int has_background;
uniform int has_depth;
uniform vec2 near_far;
layout(location = 0) out vec4 out_color;
layout(location = 1) out uint out_instance;
layout(location = 2) out float out_depth;
void main() {
  ivec2 px = ivec2(gl_FragCoord.xy);
  out_color = has_background != 0 ? vec4(texelFetch(background, px, 0).rgb, 1.0)
                                   : vec4(0.0, 0.0, 0.0, 1.0);
  out_instance = 0u;
  float z = has_depth != 0 ? texelFetch(scene_depth, px, 0).r : 0.0;
  float n = near_far.x, f = near_far.y;
  if (z > 0.0 && !isinf(z) && !isnan(z)) {
    float ndc = ((f + n) - 2.0 * f * n / z) / (f - n);
    gl_FragDepth = clamp(ndc * 0.5 + 0.5, 0.0, 1.0);
    out_depth = z;
  } else {
    gl_FragDepth = 1.0;
    out_depth = 0.0;
  }
}
)";

const char* EglErrorName(EGLint error) {
  switch (error) {
    case EGL_NOT_INITIALIZED:
      return "EGL_NOT_INITIALIZED";
    case EGL_BAD_ACCESS:
      return "EGL_BAD_ACCESS";
    case EGL_BAD_ALLOC:
      return "EGL_BAD_ALLOC";
    case EGL_BAD_ATTRIBUTE:
      return "EGL_BAD_ATTRIBUTE";
    case EGL_BAD_CONFIG:
      return "EGL_BAD_CONFIG";
    case EGL_BAD_CONTEXT:
      return "EGL_BAD_CONTEXT";
    case EGL_BAD_DISPLAY:
      return "EGL_BAD_DISPLAY";
    case EGL_BAD_MATCH:
      return "EGL_BAD_MATCH";
    case EGL_BAD_PARAMETER:
      return "EGL_BAD_PARAMETER";
    default:
      return "an EGL error";
  }
}

constexpr const char* kInstallHint =
    "offscreen rendering needs EGL with Mesa's surfaceless platform and OpenGL 4.5 (Debian: "
    "apt install libegl1 libegl-mesa0 libgl1-mesa-dri libopengl0; scripts/install-deps.sh "
    "installs them)";

GLuint Compile(GLenum kind, const char* source, const char* name) {
  const GLuint shader = glCreateShader(kind);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048] = {0};
    glGetShaderInfoLog(shader, sizeof(log), nullptr, log);
    throw Error(fmt::format("the {} shader does not compile: {}", name, log));
  }
  return shader;
}

GLuint Link(const char* vertex, const char* fragment, const char* name) {
  const GLuint program = glCreateProgram();
  const GLuint v = Compile(GL_VERTEX_SHADER, vertex, name);
  const GLuint f = Compile(GL_FRAGMENT_SHADER, fragment, name);
  glAttachShader(program, v);
  glAttachShader(program, f);
  glLinkProgram(program);
  glDeleteShader(v);
  glDeleteShader(f);
  GLint ok = 0;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[2048] = {0};
    glGetProgramInfoLog(program, sizeof(log), nullptr, log);
    throw Error(fmt::format("the {} shaders do not link: {}", name, log));
  }
  return program;
}

void CheckGl(const char* what) {
  const GLenum error = glGetError();
  if (error != GL_NO_ERROR) throw Error(fmt::format("OpenGL error 0x{:x} in {}", error, what));
}

}  // namespace

RenderPoints RoomSplats(const PinholeCamera& camera,
                        const RigidTransformd& world_from_camera,
                        const DepthMap& depth,
                        const RgbImage* image,
                        int stride,
                        double max_radius_m) {
  if (stride < 1)
    throw Error(fmt::format("room splats need a stride of at least 1, got {}", stride));
  if (depth.width != camera.width || depth.height != camera.height ||
      (image != nullptr && (image->width != camera.width || image->height != camera.height))) {
    throw Error(
        fmt::format("room splats: the depth ({}x{}) and the image must be the camera's size "
                    "({}x{})",
                    depth.width, depth.height, camera.width, camera.height));
  }
  auto point = [&](int v, int u, Eigen::Vector3d& p) {
    if (u >= depth.width || v >= depth.height || !IsValidDepth(depth.at(v, u))) return false;
    p = world_from_camera * camera.Unproject(u, v, depth.at(v, u));
    return true;
  };
  RenderPoints points;
  for (int v = 0; v < depth.height; v += stride) {
    for (int u = 0; u < depth.width; u += stride) {
      Eigen::Vector3d p, right, below;
      if (!point(v, u, p)) continue;
      // Half the larger step to a sampled neighbour on the same surface (a
      // depth change under 20%: a receding floor, not an edge), a little
      // more so that discs overlap; the pixels' own footprint at least.
      const double z = depth.at(v, u);
      double step = stride * z / camera.fx;
      auto same_surface = [&](int v2, int u2) { return std::abs(depth.at(v2, u2) - z) < 0.2 * z; };
      if (point(v, u + stride, right) && same_surface(v, u + stride))
        step = std::max(step, (right - p).norm());
      if (point(v + stride, u, below) && same_surface(v + stride, u))
        step = std::max(step, (below - p).norm());
      // At most four footprints (a floor seen at 15 degrees is stretched about
      // that much), so discs do not bridge gaps between objects.
      const double footprint = stride * z / camera.fx;
      points.radii.push_back(
          static_cast<float>(std::min({max_radius_m, 0.6 * step, 4.0 * footprint})));
      for (int c = 0; c < 3; ++c) points.positions.push_back(static_cast<float>(p[c]));
      if (image != nullptr) {
        const uint8_t* rgb = image->pixel(v, u);
        points.colors.insert(points.colors.end(), rgb, rgb + 3);
      } else {
        points.colors.insert(points.colors.end(), {150, 150, 150});
      }
    }
  }
  return points;
}

struct OffscreenRenderer::Impl {
  int width = 0;
  int height = 0;
  EGLDisplay display = EGL_NO_DISPLAY;
  EGLContext context = EGL_NO_CONTEXT;
  GLuint framebuffer = 0;
  // Colour, instance, linear depth, depth buffer.
  GLuint color = 0, instance = 0, linear_depth = 0, depth = 0;
  GLuint background_texture = 0, depth_texture = 0;
  GLuint mesh_program = 0, scene_program = 0, splat_program = 0;
  GLuint empty_vao = 0;

  void MakeCurrent() const {
    if (!eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, context))
      throw Error(fmt::format("eglMakeCurrent failed: {}", EglErrorName(eglGetError())));
  }
};

OffscreenRenderer::OffscreenRenderer(int width, int height) : impl_(std::make_unique<Impl>()) {
  if (width < 1 || height < 1)
    throw Error(fmt::format("an offscreen renderer needs a size of at least 1x1, got {}x{}", width,
                            height));
  Impl& g = *impl_;
  g.width = width;
  g.height = height;
  const auto get_display = reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(
      eglGetProcAddress("eglGetPlatformDisplayEXT"));
  if (get_display == nullptr)
    throw Error(fmt::format("EGL has no eglGetPlatformDisplayEXT; {}", kInstallHint));
  g.display = get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
  EGLint major = 0, minor = 0;
  if (g.display == EGL_NO_DISPLAY || !eglInitialize(g.display, &major, &minor)) {
    throw Error(fmt::format("no surfaceless EGL display ({}); {}", EglErrorName(eglGetError()),
                            kInstallHint));
  }
  if (!eglBindAPI(EGL_OPENGL_API))
    throw Error(fmt::format("EGL cannot bind OpenGL; {}", kInstallHint));
  const EGLint attributes[] = {EGL_CONTEXT_MAJOR_VERSION,
                               4,
                               EGL_CONTEXT_MINOR_VERSION,
                               5,
                               EGL_CONTEXT_OPENGL_PROFILE_MASK,
                               EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
                               EGL_NONE};
  g.context = eglCreateContext(g.display, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attributes);
  if (g.context == EGL_NO_CONTEXT) {
    throw Error(fmt::format("no OpenGL 4.5 core context without a window ({}); {}",
                            EglErrorName(eglGetError()), kInstallHint));
  }
  g.MakeCurrent();

  auto texture = [&](GLenum format, GLuint& name) {
    glGenTextures(1, &name);
    glBindTexture(GL_TEXTURE_2D, name);
    glTexStorage2D(GL_TEXTURE_2D, 1, format, width, height);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  };
  texture(GL_RGBA8, g.color);
  texture(GL_R16UI, g.instance);
  texture(GL_R32F, g.linear_depth);
  texture(GL_DEPTH_COMPONENT32F, g.depth);
  texture(GL_RGBA8, g.background_texture);
  texture(GL_R32F, g.depth_texture);
  glGenFramebuffers(1, &g.framebuffer);
  glBindFramebuffer(GL_FRAMEBUFFER, g.framebuffer);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, g.color, 0);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT1, GL_TEXTURE_2D, g.instance, 0);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT2, GL_TEXTURE_2D, g.linear_depth, 0);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_TEXTURE_2D, g.depth, 0);
  const GLenum buffers[] = {GL_COLOR_ATTACHMENT0, GL_COLOR_ATTACHMENT1, GL_COLOR_ATTACHMENT2};
  glDrawBuffers(3, buffers);
  if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
    throw Error("the offscreen framebuffer is incomplete");
  g.mesh_program = Link((std::string(kProjection) + kMeshVertex).c_str(), kMeshFragment, "mesh");
  g.scene_program = Link(kSceneVertex, kSceneFragment, "scene");
  g.splat_program =
      Link((std::string(kProjection) + kSplatVertex).c_str(), kSplatFragment, "splat");
  glGenVertexArrays(1, &g.empty_vao);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  CheckGl("creating the offscreen renderer");
}

OffscreenRenderer::~OffscreenRenderer() {
  Impl& g = *impl_;
  if (g.context != EGL_NO_CONTEXT &&
      eglMakeCurrent(g.display, EGL_NO_SURFACE, EGL_NO_SURFACE, g.context)) {
    const GLuint textures[] = {g.color, g.instance,           g.linear_depth,
                               g.depth, g.background_texture, g.depth_texture};
    glDeleteTextures(6, textures);
    glDeleteFramebuffers(1, &g.framebuffer);
    glDeleteProgram(g.mesh_program);
    glDeleteProgram(g.scene_program);
    glDeleteProgram(g.splat_program);
    glDeleteVertexArrays(1, &g.empty_vao);
    eglMakeCurrent(g.display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    eglDestroyContext(g.display, g.context);
  }
  if (g.display != EGL_NO_DISPLAY) eglTerminate(g.display);
}

std::string OffscreenRenderer::Description() const {
  impl_->MakeCurrent();
  return fmt::format("OpenGL {}, {}", reinterpret_cast<const char*>(glGetString(GL_VERSION)),
                     reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
}

RenderOutput OffscreenRenderer::Render(const RenderView& view,
                                       const std::vector<RenderMesh>& meshes) {
  Impl& g = *impl_;
  const PinholeCamera& camera = view.camera;
  if (camera.width != g.width || camera.height != g.height) {
    throw Error(fmt::format("the camera's image is {}x{}, the renderer's {}x{}", camera.width,
                            camera.height, g.width, g.height));
  }
  camera.Validate("the render camera");
  if (view.scene_depth != nullptr &&
      (view.scene_depth->width != g.width || view.scene_depth->height != g.height)) {
    throw Error(fmt::format("the scene depth is {}x{}, the camera's image {}x{}",
                            view.scene_depth->width, view.scene_depth->height, g.width, g.height));
  }
  if (view.background != nullptr &&
      (view.background->width != g.width || view.background->height != g.height)) {
    throw Error(fmt::format("the background is {}x{}, the camera's image {}x{}",
                            view.background->width, view.background->height, g.width, g.height));
  }
  if (!(view.near_m > 0.0 && view.far_m > view.near_m))
    throw Error(
        fmt::format("clipping planes need 0 < near < far, got {} and {}", view.near_m, view.far_m));
  if (view.splats != nullptr) {
    const RenderPoints& splats = *view.splats;
    if (splats.positions.size() % 3 != 0 ||
        (!splats.colors.empty() && splats.colors.size() != splats.positions.size()))
      throw Error(fmt::format("splats: {} position and {} colour values, expected [N, 3] each",
                              splats.positions.size(), splats.colors.size()));
    if (!(splats.radius_m > 0.0))
      throw Error(fmt::format("splats: the radius must be > 0 m, got {}", splats.radius_m));
    if (!splats.radii.empty() && splats.radii.size() * 3 != splats.positions.size())
      throw Error(fmt::format("splats: {} radii for {} points", splats.radii.size(),
                              splats.positions.size() / 3));
  }
  for (size_t m = 0; m < meshes.size(); ++m) {
    const RenderMesh& mesh = meshes[m];
    if (mesh.vertices.size() % 3 != 0 || mesh.triangles.size() % 3 != 0)
      throw Error(fmt::format("mesh {}: vertices and triangles must come in threes", m));
    if (mesh.instance < 1 || mesh.instance > 65535)
      throw Error(fmt::format("mesh {}: instance id {} is outside 1..65535", m, mesh.instance));
    const uint32_t count = static_cast<uint32_t>(mesh.vertices.size() / 3);
    for (uint32_t index : mesh.triangles) {
      if (index >= count)
        throw Error(fmt::format("mesh {}: vertex index {} of {} vertices", m, index, count));
    }
    for (float v : mesh.vertices) {
      if (!std::isfinite(v)) throw Error(fmt::format("mesh {}: a vertex is not finite", m));
    }
  }
  g.MakeCurrent();
  glBindFramebuffer(GL_FRAMEBUFFER, g.framebuffer);
  glViewport(0, 0, g.width, g.height);
  glDisable(GL_CULL_FACE);
  glEnable(GL_DEPTH_TEST);
  glClear(GL_DEPTH_BUFFER_BIT);

  // 1. The room's key frame and depth.
  if (view.background != nullptr) {
    std::vector<uint8_t> rgba(static_cast<size_t>(g.width) * g.height * 4, 255);
    for (size_t i = 0; i < static_cast<size_t>(g.width) * g.height; ++i) {
      for (int c = 0; c < 3; ++c) rgba[4 * i + c] = view.background->rgb[3 * i + c];
    }
    glBindTexture(GL_TEXTURE_2D, g.background_texture);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, g.width, g.height, GL_RGBA, GL_UNSIGNED_BYTE,
                    rgba.data());
  }
  if (view.scene_depth != nullptr) {
    glBindTexture(GL_TEXTURE_2D, g.depth_texture);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, g.width, g.height, GL_RED, GL_FLOAT,
                    view.scene_depth->values.data());
  }
  glUseProgram(g.scene_program);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, g.background_texture);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, g.depth_texture);
  glUniform1i(glGetUniformLocation(g.scene_program, "background"), 0);
  glUniform1i(glGetUniformLocation(g.scene_program, "scene_depth"), 1);
  glUniform1i(glGetUniformLocation(g.scene_program, "has_background"), view.background != nullptr);
  glUniform1i(glGetUniformLocation(g.scene_program, "has_depth"), view.scene_depth != nullptr);
  glUniform2f(glGetUniformLocation(g.scene_program, "near_far"), static_cast<float>(view.near_m),
              static_cast<float>(view.far_m));
  glDepthFunc(GL_ALWAYS);
  glBindVertexArray(g.empty_vao);
  glDrawArrays(GL_TRIANGLES, 0, 3);

  // The camera, for the splat and mesh programs.
  const RigidTransformd camera_from_world = view.world_from_camera.Inverse();
  const Eigen::Matrix4f m = camera_from_world.ToMatrix4().cast<float>();
  auto set_camera = [&](GLuint program) {
    glUseProgram(program);
    glUniformMatrix4fv(glGetUniformLocation(program, "camera_from_world"), 1, GL_FALSE, m.data());
    glUniform4f(glGetUniformLocation(program, "intrinsics"), static_cast<float>(camera.fx),
                static_cast<float>(camera.fy), static_cast<float>(camera.cx + 0.5),
                static_cast<float>(camera.cy + 0.5));
    glUniform2f(glGetUniformLocation(program, "size"), static_cast<float>(g.width),
                static_cast<float>(g.height));
    glUniform2f(glGetUniformLocation(program, "near_far"), static_cast<float>(view.near_m),
                static_cast<float>(view.far_m));
  };
  glDepthFunc(GL_LESS);

  // 2. The room's points.
  if (view.splats != nullptr && !view.splats->positions.empty()) {
    const RenderPoints& splats = *view.splats;
    const size_t count = splats.positions.size() / 3;
    std::vector<float> rgb(count * 3, 0.6f);
    for (size_t i = 0; i < splats.colors.size(); ++i) rgb[i] = splats.colors[i] / 255.0f;
    std::vector<float> radii = splats.radii;
    if (radii.empty()) radii.assign(count, static_cast<float>(splats.radius_m));
    set_camera(g.splat_program);
    glEnable(GL_PROGRAM_POINT_SIZE);
    GLuint vao = 0, buffers[3] = {0, 0, 0};
    glGenVertexArrays(1, &vao);
    glBindVertexArray(vao);
    glGenBuffers(3, buffers);
    glBindBuffer(GL_ARRAY_BUFFER, buffers[0]);
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(splats.positions.size() * sizeof(float)),
                 splats.positions.data(), GL_STREAM_DRAW);
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 0, nullptr);
    glEnableVertexAttribArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, buffers[1]);
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(rgb.size() * sizeof(float)), rgb.data(),
                 GL_STREAM_DRAW);
    glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, 0, nullptr);
    glEnableVertexAttribArray(1);
    glBindBuffer(GL_ARRAY_BUFFER, buffers[2]);
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(radii.size() * sizeof(float)),
                 radii.data(), GL_STREAM_DRAW);
    glVertexAttribPointer(2, 1, GL_FLOAT, GL_FALSE, 0, nullptr);
    glEnableVertexAttribArray(2);
    glDrawArrays(GL_POINTS, 0, static_cast<GLsizei>(count));
    glDeleteBuffers(3, buffers);
    glDeleteVertexArrays(1, &vao);
  }

  // 3. The meshes.
  set_camera(g.mesh_program);
  glUniform3f(
      glGetUniformLocation(g.mesh_program, "light"), static_cast<float>(view.light_direction[0]),
      static_cast<float>(view.light_direction[1]), static_cast<float>(view.light_direction[2]));
  glUniform1f(glGetUniformLocation(g.mesh_program, "ambient"), static_cast<float>(view.ambient));
  for (const RenderMesh& mesh : meshes) {
    if (mesh.triangles.empty()) continue;
    GLuint vao = 0, buffers[2] = {0, 0};
    glGenVertexArrays(1, &vao);
    glBindVertexArray(vao);
    glGenBuffers(2, buffers);
    glBindBuffer(GL_ARRAY_BUFFER, buffers[0]);
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(mesh.vertices.size() * sizeof(float)),
                 mesh.vertices.data(), GL_STREAM_DRAW);
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 0, nullptr);
    glEnableVertexAttribArray(0);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, buffers[1]);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER,
                 static_cast<GLsizeiptr>(mesh.triangles.size() * sizeof(uint32_t)),
                 mesh.triangles.data(), GL_STREAM_DRAW);
    glUniform3f(glGetUniformLocation(g.mesh_program, "color"), mesh.color[0] / 255.0f,
                mesh.color[1] / 255.0f, mesh.color[2] / 255.0f);
    glUniform1ui(glGetUniformLocation(g.mesh_program, "instance"),
                 static_cast<GLuint>(mesh.instance));
    glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(mesh.triangles.size()), GL_UNSIGNED_INT,
                   nullptr);
    glDeleteBuffers(2, buffers);
    glDeleteVertexArrays(1, &vao);
  }
  CheckGl("rendering");

  // Read back, window row r = image row r.
  RenderOutput out;
  const size_t pixels = static_cast<size_t>(g.width) * g.height;
  std::vector<uint8_t> rgba(pixels * 4);
  glReadBuffer(GL_COLOR_ATTACHMENT0);
  glReadPixels(0, 0, g.width, g.height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  out.rgb.width = g.width;
  out.rgb.height = g.height;
  out.rgb.rgb.resize(pixels * 3);
  for (size_t i = 0; i < pixels; ++i) {
    for (int c = 0; c < 3; ++c) out.rgb.rgb[3 * i + c] = rgba[4 * i + c];
  }
  out.instance.resize(pixels);
  glReadBuffer(GL_COLOR_ATTACHMENT1);
  glReadPixels(0, 0, g.width, g.height, GL_RED_INTEGER, GL_UNSIGNED_SHORT, out.instance.data());
  out.depth = DepthMap::Filled(g.width, g.height, 0.0f);
  glReadBuffer(GL_COLOR_ATTACHMENT2);
  glReadPixels(0, 0, g.width, g.height, GL_RED, GL_FLOAT, out.depth.values.data());
  CheckGl("reading the frame back");
  return out;
}

}  // namespace intersynth
