// glXGetCurrentContext() on its own: Xlib's headers define macros (AllValues, ...) that break
// VTK's, so GLX is not included next to them (VtkOpenGLWidget.cpp).
#include <QtGui/qtguiglobal.h>
#if QT_CONFIG(xcb_glx_plugin)
#include <GL/glx.h>
#endif

namespace lpm::ui {

const void* currentGlxContext() {
#if QT_CONFIG(xcb_glx_plugin)
  return glXGetCurrentContext();
#else
  return nullptr;
#endif
}

}  // namespace lpm::ui
