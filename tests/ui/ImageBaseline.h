#pragma once
// Image-baseline checks in the spirit of F3D's tests: compare a rendered image with a committed
// small PNG through vtkImageDifference; on failure keep the new image (and the difference)
// under Testing/Temporary/ to inspect and, if right, copy over the baseline.
#include <QImage>
#include <QString>

namespace lpm::test {

struct BaselineResult {
  bool ok = false;
  double error = 0;  ///< vtkImageDifference's thresholded error
  QString message;
};

/// `name` is the file name under tests/baselines (e.g. "main-window.png").
BaselineResult compareWithBaseline(const QImage& image, const QString& name, double threshold);

/// Population variance of the grey levels: ~0 for a blank image.
double greyVariance(const QImage& image);

}  // namespace lpm::test
