using Microsoft.ML.OnnxRuntime;
using Osprey.Export.Onnx;
using Osprey.Inference.Onnx;
using Osprey.Models;

namespace Osprey.Tests.Export;

/// <summary>The metadata_props as ultralytics writes them, and read back by <see cref="OnnxClassifier"/>.</summary>
public class OnnxMetadataTests
{
    [Fact]
    public void YoloFileCarriesTaskStrideSizeAndNames()
    {
        using var model = ModelRegistry.Create("yolo11n", new ModelArgs(2, 3, 64));
        var file = OnnxExport.Export(model, new OnnxExportOptions { Height = 64, Width = 96, Task = "detect", Names = ["person", "car"] });
        using var session = new InferenceSession(file);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("detect", meta["task"]);
        Assert.Equal("32", meta["stride"]);
        Assert.Equal("[64, 96]", meta["imgsz"]);
        Assert.Equal("1", meta["batch"]);
        Assert.Equal("{0: 'person', 1: 'car'}", meta["names"]);
        Assert.Equal([1, 6, 126], session.OutputMetadata["output0"].Dimensions);   // 4 + 2 classes, 8x12 + 4x6 + 2x3 anchors
    }

    [Fact]
    public void ClassifierReadsNamesSizeAndNormalizationBack()
    {
        using var model = ModelRegistry.Create("resnet18", new ModelArgs(2, 3, 32));
        var path = Path.Combine(Path.GetTempPath(), $"osprey-meta-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExport.Export(model, new OnnxExportOptions
            {
                Height = 32, Width = 32, Task = "classify", Names = ["it's", "b\\c"], Mean = [0.5f, 0.25f, 0.125f], Std = [1f, 2f, 3f],
            }, path);
            using var classifier = new OnnxClassifier(path);
            Assert.Equal(["it's", "b\\c"], classifier.Classes);
            Assert.Equal(32, classifier.ImageSize);
            Assert.Equal(3, classifier.Channels);

            OnnxExport.Export(model, new OnnxExportOptions { Height = 32, Width = 32, Task = "detect", Names = ["a", "b"] }, path);
            var error = Assert.Throws<InvalidDataException>(() => new OnnxClassifier(path));
            Assert.Contains("task is 'detect', expected classify", error.Message);
        }
        finally { File.Delete(path); }
    }
}
