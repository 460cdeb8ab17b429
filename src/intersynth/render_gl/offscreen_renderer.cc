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
// row r is image row r, and depth is the usual perspective depth of z.
constexpr const char* kMeshVertex = R"(#version 450 core
layout(location = 0) in vec3 position;
uniform mat4 camera_from_world;
uniform vec4 intrinsics;  // fx, fy, cx + 0.5, cy + 0.5
uniform vec2 size;
uniform vec2 near_far;
out vec3 p_cam;
void main() {
  vec4 c = camera_from_world * vec4(position, 1.0);
  p_cam = c.xyz;
  float n = near_far.x, f = near_far.y, z = c.z;
  gl_Position = vec4(2.0 * (intrinsics.x * c.x + intrinsics.z * z) / size.x - z,
                     2.0 * (intrinsics.y * c.y + intrinsics.w * z) / size.y - z,
                     ((f + n) * z - 2.0 * f * n) / (f - n), z);
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

struct OffscreenRenderer::Impl {
  int width = 0;
  int height = 0;
  EGLDisplay display = EGL_NO_DISPLAY;
  EGLContext context = EGL_NO_CONTEXT;
  GLuint framebuffer = 0;
  // Colour, instance, linear depth, depth buffer.
  GLuint color = 0, instance = 0, linear_depth = 0, depth = 0;
  GLuint background_texture = 0, depth_texture = 0;
  GLuint mesh_program = 0, scene_program = 0;
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
  g.mesh_program = Link(kMeshVertex, kMeshFragment, "mesh");
  g.scene_program = Link(kSceneVertex, kSceneFragment, "scene");
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

  // 1. The room.
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

  // 2. The meshes.
  glDepthFunc(GL_LESS);
  glUseProgram(g.mesh_program);
  const RigidTransformd camera_from_world = view.world_from_camera.Inverse();
  const Eigen::Matrix4f m = camera_from_world.ToMatrix4().cast<float>();
  glUniformMatrix4fv(glGetUniformLocation(g.mesh_program, "camera_from_world"), 1, GL_FALSE,
                     m.data());
  glUniform4f(glGetUniformLocation(g.mesh_program, "intrinsics"), static_cast<float>(camera.fx),
              static_cast<float>(camera.fy), static_cast<float>(camera.cx + 0.5),
              static_cast<float>(camera.cy + 0.5));
  glUniform2f(glGetUniformLocation(g.mesh_program, "size"), static_cast<float>(g.width),
              static_cast<float>(g.height));
  glUniform2f(glGetUniformLocation(g.mesh_program, "near_far"), static_cast<float>(view.near_m),
              static_cast<float>(view.far_m));
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
