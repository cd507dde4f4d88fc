using Osprey.Data;
using Osprey.Data.Images;
using Osprey.Export.Onnx;
using Osprey.Inference.Onnx;
using Osprey.Models;
using Osprey.Models.Classification;
using Osprey.Torch.NN;
using Osprey.Training.Classification;

namespace Osprey.Tests.Export;

/// <summary>
/// <see cref="OnnxClassifier"/> prepares images in managed code only (<see cref="ImageCodec.ReadHost"/>,
/// <see cref="HostPreprocess"/>): its input equals the libtorch path's (ImageCodec.Read + the classification eval
/// transform) within 1e-6 for resizes by powers of two and for no resize, and its top classes and probabilities equal
/// the native model's on that input.
/// </summary>
public class OnnxClassifierTests
{
    static readonly float[] Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f];

    static string WriteImage(string dir, string name, long height, long width)
    {
        using var scope = TensorScope.Begin();
        var path = Path.Combine(dir, name);
        ImageCodec.Write(path, Tensor.Randint(0, 256, [3, height, width]).To(DType.UInt8));
        return path;
    }

    static float[] LibTorchInput(IEnumerable<string> files, int size)
    {
        using var scope = TensorScope.Begin();
        var transform = ClassificationSource.EvalTransform(size, Mean, Std);
        var images = files.Select(f => transform.Apply(new Sample(ImageCodec.Read(f, ImageReadMode.Rgb)) { Source = f }, new Random(0)).Image).ToArray();
        return Tensor.Stack(images).Contiguous().ToArray<float>();
    }

    [Fact]
    public void ManagedPreprocessingAndPredictionsEqualTheLibTorchPath()
    {
        const int size = 64;
        LibTorch.ManualSeed(3);
        var dir = Directory.CreateTempSubdirectory("osprey-onnx-classifier-");
        try
        {
            string[] files =
            [
                WriteImage(dir.FullName, "up2.png", 32, 16),     // x2 and x4
                WriteImage(dir.FullName, "down2.png", 128, 256), // /2 and /4
                WriteImage(dir.FullName, "same.png", size, size),
            ];
            using var model = ModelRegistry.Create("resnet18", new ModelArgs(5, 3, size));
            model.Eval();
            var path = Path.Combine(dir.FullName, "model.onnx");
            OnnxExport.Export(model, new OnnxExportOptions
            {
                Height = size, Width = size, DynamicBatch = true, Task = "classify", Names = ["a", "b", "c", "d", "e"], Mean = Mean, Std = Std,
            }, path);
            using var classifier = new OnnxClassifier(path);

            var expected = LibTorchInput(files, size);
            var actual = classifier.Prepare(files, ImageReadMode.Rgb);
            Assert.Equal(expected.Length, actual.Length);
            Assert.True(OnnxRun.MaxAbsDifference(expected, actual) <= 1e-6, "managed preprocessing differs from the libtorch path");

            using var scope = TensorScope.Begin();
            using var noGrad = Autograd.NoGrad();
            var input = Tensor.From(expected, files.Length, 3, size, size);
            var probabilities = ((ClassificationOutput)((IImageModel)model).Run(ImageBatch.FromTensor(input))).Logits.Softmax(1);
            var (values, indices) = probabilities.TopK(3, 1);
            var p = values.ToArray<float>();
            var ids = indices.ToArray<long>();
            var predictions = classifier.Predict(files, topK: 3).ToList();
            for (int i = 0; i < files.Length; i++)
            {
                Assert.Equal(files[i], predictions[i].Source);
                Assert.Equal(ids.Skip(i * 3).Take(3).Select(id => (int)id), predictions[i].Top.Select(t => t.Class));
                for (int j = 0; j < 3; j++) Assert.Equal(p[i * 3 + j], predictions[i].Top[j].Probability, 1e-5);
            }
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void ExifOrientedJpegDecodesAsTheLibTorchPath()
    {
        foreach (var name in new[] { "exif2.jpg", "exif5.jpg", "exif6.jpg", "exif7.jpg", "exif8.jpg", "gray.png", "rgba.png" })
        {
            using var scope = TensorScope.Begin();
            var path = Osprey.Tests.Data.TestImages.PathOf(name);
            var expected = ImageCodec.Read(path, ImageReadMode.Rgb).Permute(1, 2, 0).Contiguous();
            var host = ImageCodec.ReadHost(path, ImageReadMode.Rgb);
            Assert.Equal(expected.Shape, new long[] { host.Height, host.Width, host.Channels });
            Assert.Equal(expected.ToArray<byte>(), host.Pixels);
        }
    }
}
