#include "ImageBaseline.h"

#include <QDir>
#include <QFileInfo>

#include <vtkImageData.h>
#include <vtkImageDifference.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>
#include <vtkPNGWriter.h>

namespace lpm::test {
namespace {

void toVtk(const QImage& in, vtkImageData* out) {
  const QImage img = in.convertToFormat(QImage::Format_RGB888);
  out->SetDimensions(img.width(), img.height(), 1);
  out->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
  for (int y = 0; y < img.height(); ++y) {
    // VTK images start at the bottom row.
    const uchar* src = img.constScanLine(img.height() - 1 - y);
    auto* dst = static_cast<unsigned char*>(out->GetScalarPointer(0, y, 0));
    std::copy(src, src + 3 * img.width(), dst);
  }
}

}  // namespace

double greyVariance(const QImage& image) {
  const QImage g = image.convertToFormat(QImage::Format_Grayscale8);
  double sum = 0, sumSq = 0;
  const double n = double(g.width()) * g.height();
  for (int y = 0; y < g.height(); ++y) {
    const uchar* row = g.constScanLine(y);
    for (int x = 0; x < g.width(); ++x) sum += row[x], sumSq += double(row[x]) * row[x];
  }
  const double mean = sum / n;
  return sumSq / n - mean * mean;
}

BaselineResult compareWithBaseline(const QImage& input, const QString& name, double threshold) {
  BaselineResult r;
  const QImage image = input.convertToFormat(QImage::Format_RGB888);  // baselines are RGB, no alpha
  const QString baseline = QStringLiteral(LPM_TEST_BASELINE_DIR "/") + name;
  const QString outDir = QStringLiteral(LPM_TEST_OUTPUT_DIR);
  QDir().mkpath(outDir);
  const QString fresh = outDir + "/" + name;
  image.save(fresh);
  if (!QFileInfo::exists(baseline)) {
    r.message = QString("no baseline %1; the new image is %2 (look at it, then copy it there)").arg(baseline, fresh);
    return r;
  }
  vtkNew<vtkPNGReader> reader;
  reader->SetFileName(baseline.toUtf8().constData());
  reader->Update();
  vtkNew<vtkImageData> test;
  toVtk(image, test);
  int dims[3];
  reader->GetOutput()->GetDimensions(dims);
  if (dims[0] != image.width() || dims[1] != image.height()) {
    r.message = QString("size %1x%2 differs from the baseline's %3x%4; new image: %5")
                    .arg(image.width()).arg(image.height()).arg(dims[0]).arg(dims[1]).arg(fresh);
    return r;
  }
  vtkNew<vtkImageDifference> diff;
  diff->SetInputData(test);
  diff->SetImageConnection(reader->GetOutputPort());
  diff->Update();
  r.error = diff->GetThresholdedError();
  r.ok = r.error <= threshold;
  if (!r.ok) {
    vtkNew<vtkPNGWriter> w;
    w->SetInputConnection(diff->GetOutputPort());
    const QString diffPath = outDir + "/diff-" + name;
    w->SetFileName(diffPath.toUtf8().constData());
    w->Write();
    r.message = QString("image differs from %1 (error %2 > %3); new image %4, difference %5")
                    .arg(baseline).arg(r.error).arg(threshold).arg(fresh, diffPath);
  }
  return r;
}

}  // namespace lpm::test
