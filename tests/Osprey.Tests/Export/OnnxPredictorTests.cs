using Osprey.Data.Images;
using Osprey.Data.Transforms;
using Osprey.Export.Onnx;
using Osprey.Inference.Onnx;
using Osprey.Models;
using Osprey.Models.Detection.Boxes;
using Osprey.Tests.Data;
using Osprey.Training;
using Osprey.Training.Detection;
using Osprey.Training.Segmentation;

namespace Osprey.Tests.Export;

/// <summary>
/// The ONNX Runtime detectors and segmenter (managed pre- and post-processing, no libtorch tensor) give what the native
/// predictors give on the same weights: images whose resizes are exact in both paths (no resize, or by powers of two),
/// objects matched with scores within 1e-4 and boxes within 1e-2 px, segmentation logits within 1e-4 of their scale.
/// </summary>
public class OnnxPredictorTests
{
    static TrainedModel Build(string task, string model, IReadOnlyList<string> classes, int imgsz, float[] mean, float[] std, ulong seed)
    {
        var options = TrainOptions.For(task, model) with { Imgsz = imgsz };
        var args = new ModelArgs(classes.Count, 3, imgsz, options.ModelOptions);
        var info = new RunInfo(task, model, classes, 3, imgsz, ModelRegistry.Get(model).Resolve(args), mean, std, options);
        LibTorch.ManualSeed(seed);
        var trained = TrainedModel.FromWeights(info.BuildModel(), info, $"<{model}>");
        trained.Model.Eval();
        return trained;
    }

    static string WriteImage(TempFolder work, string name, long height, long width)
    {
        using var scope = TensorScope.Begin();
        var path = work.PathOf(name);
        ImageCodec.Write(path, Tensor.Randint(0, 256, [3, height, width]).To(DType.UInt8));
        return path;
    }

    /// <summary>Same count; every native object has an ONNX one of its class with its score and box (order may differ
    /// only among scores closer than the tolerance).</summary>
    static void AssertSameObjects(DetectionPrediction expected, DetectionPrediction actual)
    {
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Objects.Count, actual.Objects.Count);
        var unmatched = actual.Objects.ToList();
        foreach (var e in expected.Objects)
        {
            var match = unmatched.FirstOrDefault(a => a.Class == e.Class && Math.Abs(a.Score - e.Score) <= 1e-4 &&
                Math.Abs(a.X0 - e.X0) <= 1e-2 && Math.Abs(a.Y0 - e.Y0) <= 1e-2 && Math.Abs(a.X1 - e.X1) <= 1e-2 && Math.Abs(a.Y1 - e.Y1) <= 1e-2);
            Assert.True(match != null, $"{expected.Source}: no ONNX object matches the native {e}");
            unmatched.Remove(match!);
        }
        for (int i = 1; i < actual.Objects.Count; i++) Assert.True(actual.Objects[i - 1].Score >= actual.Objects[i].Score, "objects are not best first");
    }

    [Fact]
    public void YoloDetectorEqualsTheNativeOneWithNmsAfterAndInTheGraph()
    {
        using var work = new TempFolder();
        using var trained = Build("detect", "yolo11n", ["a", "b"], 64, YoloTransforms.Mean, YoloTransforms.Std, seed: 5);
        string[] files = [WriteImage(work, "wide.png", 40, 64), WriteImage(work, "half.png", 128, 96), WriteImage(work, "square.png", 64, 64)];
        var request = new PredictRequest { Confidence = 0.0001, MaxDetections = 20 };   // an untrained head scores low
        var native = new YoloDetector(trained, request).Detect(files);
        Assert.Contains(native, p => p.Objects.Count > 0);

        var plain = work.PathOf("plain.onnx");
        File.WriteAllBytes(plain, OnnxExport.Export(trained, new OnnxExportOptions { Height = 64, Width = 64, DynamicBatch = true }));
        using (var detector = new OnnxYoloDetector(plain, request))
        {
            var sizes = new (int, int)[files.Length];
            var input = detector.Prepare(files, sizes);
            Assert.Equal(new[] { (64, 40), (96, 128), (64, 64) }, sizes);
            Assert.Equal(3 * 3 * 64 * 64, input.Length);
            Assert.Equal(114 / 255f, input[0]);   // wide.png: 12 grey rows above it
            var onnx = detector.Detect(files);
            for (int i = 0; i < files.Length; i++) AssertSameObjects(native[i], onnx[i]);
        }

        // NMS in the graph at the request's thresholds, the same objects (one image per run: a fixed batch of 1).
        var nms = work.PathOf("nms.onnx");
        File.WriteAllBytes(nms, OnnxExport.Export(trained, new OnnxExportOptions
        {
            Height = 64, Width = 64, Nms = new NmsOptions { Confidence = 0.0001, Iou = YoloDetector.DefaultIou, MaxDetections = 20 },
        }));
        using (var detector = new OnnxYoloDetector(nms, request))
        {
            var onnx = detector.Detect(files);
            for (int i = 0; i < files.Length; i++) AssertSameObjects(native[i], onnx[i]);
        }
    }

    [Fact]
    public void YoloDetectorRefusesADetrFileAndASizeItCannotTake()
    {
        using var work = new TempFolder();
        using var yolo = Build("detect", "yolo11n", ["a"], 64, YoloTransforms.Mean, YoloTransforms.Std, seed: 1);
        var path = work.PathOf("yolo.onnx");
        File.WriteAllBytes(path, OnnxExport.Export(yolo, new OnnxExportOptions { Height = 64, Width = 64 }));
        var error = Assert.Throws<ArgumentException>(() => new OnnxYoloDetector(path, new PredictRequest { ImageSize = 96 }));
        Assert.Contains("image size 96 is not an input size of this file (64x64, fixed)", error.Message);
        var detrFile = Assert.Throws<InvalidDataException>(() => new OnnxDetrDetector(path));
        Assert.Contains("no outputs 'pred_logits' and 'pred_boxes' (outputs: output0)", detrFile.Message);
    }

    [Fact]
    public void DetrDetectorEqualsTheNativeOneWhereNoPaddingIsNeeded()
    {
        using var work = new TempFolder();
        using var trained = TrainedModel.Load(Training.Detection.DetrAttentionPicturesTests.WriteCheckpoint(work, seed: 2));
        var path = work.PathOf("detr.onnx");
        File.WriteAllBytes(path, OnnxExport.Export(trained, new OnnxExportOptions { Height = 64, Width = 64, DynamicSize = true }));
        using var detector = new OnnxDetrDetector(path);
        Assert.Equal((64L, 107L), (detector.ShorterSide, detector.MaxSize));   // DETR's 800 / 1333 scaled to 64

        // Shorter side 64 already, and halved by Pillow's filter to it: both resized sides multiples of 32, no padding.
        var native = new DetrDetector(trained);
        foreach (var file in new[] { WriteImage(work, "same.png", 64, 96), WriteImage(work, "half.png", 128, 192) })
        {
            var expected = native.Detect(file, threshold: 0);
            Assert.Equal(50, expected.Objects.Count);
            AssertSameObjects(expected, detector.Detect(file, threshold: 0));
        }

        // Otherwise the resized image is padded to the next accepted size: 48x64 -> 64x85 -> 64x96.
        var (pixels, height, width, resized) = detector.Prepare(ImageCodec.ReadHost(WriteImage(work, "odd.png", 48, 64), ImageReadMode.Rgb));
        Assert.Equal((64, 96, (64, 85)), (height, width, resized));
        Assert.Equal(3 * 64 * 96, pixels.Length);
        Assert.Equal(0f, pixels[95]);   // first row, past the resized width

        // A fixed-size file: the image scaled to fit it, then padded.
        var fixedPath = work.PathOf("fixed.onnx");
        File.WriteAllBytes(fixedPath, OnnxExport.Export(trained, new OnnxExportOptions { Height = 64, Width = 64 }));
        using var fixedSize = new OnnxDetrDetector(fixedPath);
        var fit = fixedSize.Prepare(ImageCodec.ReadHost(WriteImage(work, "tall.png", 100, 50), ImageReadMode.Rgb));
        Assert.Equal((64, 64, (64, 32)), (fit.Height, fit.Width, fit.Resized));
    }

    [Fact]
    public void SegmenterEqualsTheNativeOneWholeAndBySlidingWindow()
    {
        using var work = new TempFolder();
        using var trained = Build("segment", "unet", ["background", "a", "b"], 64, Normalize.ImageNetMean, Normalize.ImageNetStd, seed: 3);
        var path = work.PathOf("unet.onnx");
        File.WriteAllBytes(path, OnnxExport.Export(trained, new OnnxExportOptions { Height = 64, Width = 64, DynamicSize = true }));
        using var segmenter = new OnnxSegmenter(path);
        Assert.Equal(16, segmenter.Divisor);
        Assert.Equal(((64, 64), (48, 48)), (segmenter.Crop, segmenter.Stride));   // 2/3 of 64 up to a multiple of 16, as the native runner

        var runner = new SegmentationRunner(trained.Model, trained.Info.ImageSize);
        var transform = SegmentationPipelines.Val(trained.Info.Mean, trained.Info.Std);
        // 50x40: whole, padded to 64x48; 100x130: six windows of 64x64.
        foreach (var file in new[] { WriteImage(work, "small.png", 50, 40), WriteImage(work, "large.png", 100, 130) })
        {
            using var scope = TensorScope.Begin();
            using var inference = Autograd.InferenceMode();
            var image = ImageCodec.Read(file, ImageReadMode.Rgb);
            var input = transform.Apply(new Osprey.Data.Sample(image) { Source = file }, new Random(0)).Image.Unsqueeze(0);
            var logits = runner.Logits(input)[0].Contiguous();
            var expected = logits.ToArray<float>();
            var actual = segmenter.Logits(ImageCodec.ReadHost(file, ImageReadMode.Rgb));
            Assert.Equal(expected.Length, actual.Length);
            double scale = expected.Max(Math.Abs);
            Assert.True(OnnxRun.MaxAbsDifference(expected, actual) <= 1e-5 + 1e-4 * scale, $"{file}: logits differ from the native runner's");

            var result = segmenter.Segment(file);
            var mask = logits.ArgMax(0).To(DType.UInt8).Contiguous().ToArray<byte>();
            var (top2, _) = logits.TopK(2, 0);
            var margin = (top2.Select(0, 0) - top2.Select(0, 1)).Contiguous().ToArray<float>();
            Assert.Equal((image.Size(1), image.Size(2)), ((long)result.Height, (long)result.Width));
            for (int i = 0; i < mask.Length; i++)
                if (margin[i] > 1e-3) Assert.Equal(mask[i], result.Mask[i]);
            Assert.Equal(mask.Length, result.ClassAreas.Sum());
            Assert.Equal(result.ClassAreas, result.ToPrediction().Areas.Select(a => a.Pixels));
        }
    }

    [Fact]
    public void SegmentationFilesRecordTheRunnersDivisorAndDynamicStep()
    {
        using var work = new TempFolder();
        using var pspnet = Build("segment", "pspnet-r18", ["background", "a"], 64, Normalize.ImageNetMean, Normalize.ImageNetStd, seed: 4);
        var path = work.PathOf("pspnet.onnx");
        File.WriteAllBytes(path, OnnxExport.Export(pspnet, new OnnxExportOptions { Height = 64, Width = 64 }));
        using (var file = new OnnxModelFile(path, "segment"))
            Assert.Equal((1, (int?)null, (int?)1), (file.SizeDivisor, file.SizeStep, file.Batch));
        File.WriteAllBytes(path, OnnxExport.Export(pspnet, new OnnxExportOptions { Height = 64, Width = 64, DynamicSize = true, DynamicBatch = true }));
        using (var file = new OnnxModelFile(path, "segment"))
        {
            Assert.Equal((1, (int?)32, (int?)null), (file.SizeDivisor, file.SizeStep, file.Batch));
            Assert.Equal((32, 96), file.AcceptedSize(20, 65));   // 64 + k x 32
        }
        var error = Assert.Throws<InvalidDataException>(() => new OnnxYoloDetector(path));
        Assert.Contains("task is 'segment', expected detect", error.Message);
    }
}
