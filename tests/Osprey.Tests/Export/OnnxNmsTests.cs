using Osprey.Data;
using Osprey.Data.Images;
using Osprey.Export.Onnx;
using Osprey.Models;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Boxes;
using Osprey.Models.Detection.Yolo;
using Osprey.Torch.NN;

namespace Osprey.Tests.Export;

/// <summary>
/// YOLO exported with NMS in the graph (ONNX NonMaxSuppression + gather, ultralytics' nms=True layout): ONNX
/// Runtime's (N, max_det, 6) rows equal Osprey's own <see cref="NonMaxSuppression"/> on the same images: the same
/// number of detections per image, boxes and scores within 1e-4 of the box scale, classes exactly, zero rows after.
/// The confidence threshold is taken from the scores so that an untrained model has candidates to suppress.
/// </summary>
public class OnnxNmsTests
{
    static Tensor Images(long batch, long height, long width)
    {
        var files = new[] { "exif2.jpg", "exif4.jpg", "exif7.jpg" };
        return Tensor.Stack(files.Take((int)batch).Select(f =>
        {
            var image = ImageCodec.Read(Osprey.Tests.Data.TestImages.PathOf(f), ImageReadMode.Rgb).Float().Div(255).Unsqueeze(0);
            return Functional.Interpolate(image, [height, width], mode: "bilinear").Squeeze(0);
        }).ToArray());
    }

    static void Compare(long batch, long height, long width, int maxDetections, bool dynamic)
    {
        LibTorch.ManualSeed(7);
        using var model = (YoloModel)ModelRegistry.Create("yolo11n", new ModelArgs(4, 3, 64));
        model.Eval();
        model.Fuse();
        OnnxExportTests.RandomizeNorms(model);
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        var input = Images(batch, height, width);
        var output = (DetectionOutput)((IImageModel)model).Run(ImageBatch.FromTensor(input));
        var best = output.Scores!.AMax([1]).Flatten().Sort(descending: true).Values;
        double confidence = best[best.NumEl / 4].Item<double>();
        var nms = new NmsOptions { Confidence = confidence, Iou = 0.5, MaxDetections = maxDetections };
        var expected = NonMaxSuppression.Apply(output, nms);

        var options = new OnnxExportOptions { Height = 64, Width = 64, Nms = nms, DynamicBatch = dynamic, DynamicSize = dynamic };
        if (!dynamic) options = options with { Batch = batch, Height = height, Width = width };
        var file = OnnxExport.Export(model, options);
        var (values, shape) = OnnxRun.Run(file, input)["output0"];
        Assert.Equal([batch, maxDetections, 6], shape);
        var actual = Tensor.From(values, shape);
        double scale = input.Size(3);
        for (int b = 0; b < batch; b++)
        {
            long k = expected[b].Size(0);
            Assert.True(k > 0, $"image {b}: no detections above {confidence}");
            var rows = actual.Select(0, b).Narrow(0, 0, k);
            Assert.True(rows.Narrow(1, 0, 5).Sub(expected[b].Narrow(1, 0, 5)).Abs().Max().Item<double>() <= 1e-4 * scale,
                        $"image {b}: boxes or scores differ");
            Assert.Equal(expected[b].Select(1, 5).ToArray<float>(), rows.Select(1, 5).ToArray<float>());
            Assert.Equal(0, actual.Select(0, b).Narrow(0, k, maxDetections - k).Abs().Sum().Item<double>());
        }
        var check = OnnxRun.Check(file);
        if (check != null) Assert.True(check == "", $"onnx.checker rejected the NMS graph: {check}");
    }

    [Fact] public void FixedBatch() => Compare(batch: 1, 64, 64, maxDetections: 300, dynamic: false);

    [Fact] public void DynamicBatchAndSize() => Compare(batch: 3, 96, 128, maxDetections: 300, dynamic: true);

    [Fact] public void MaxDetectionsCap() => Compare(batch: 2, 64, 96, maxDetections: 3, dynamic: false);
}
