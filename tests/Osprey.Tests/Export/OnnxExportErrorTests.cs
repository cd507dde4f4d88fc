using Osprey.Data;
using Osprey.Export.Onnx;
using Osprey.Models;
using Osprey.Models.Classification;
using Osprey.Torch.NN;

namespace Osprey.Tests.Export;

public class OnnxExportErrorTests
{
    /// <summary>A classifier whose head calls an operator that has no ONNX mapping (aten::erfinv).</summary>
    sealed class ErfinvHead : Module<Tensor, Tensor>
    {
        static readonly Op erfinv = new("aten::erfinv");
        public override Tensor Forward(Tensor x) => erfinv.Tensor(x.Flatten(1).Sigmoid());
    }

    sealed class ErfinvClassifier : Module<Tensor, Tensor>, IImageModel<ClassificationOutput>
    {
        readonly ErfinvHead head;
        public ErfinvClassifier() => head = RegisterModule("head", new ErfinvHead());
        public override Tensor Forward(Tensor x) => head.Call(x);
        public ClassificationOutput Run(ImageBatch input) => new(Call(input.Images));
    }

    [Fact]
    public void UnknownOperatorIsNamedWithTheModuleThatCalledIt()
    {
        using var model = new ErfinvClassifier();
        var error = Assert.Throws<OnnxExportException>(() =>
            OnnxExport.Export(model, new OnnxExportOptions { Height = 4, Width = 4 }));
        Assert.Contains("aten::erfinv", error.Message);
        Assert.Contains("ErfinvHead 'head'", error.Message);
    }

    [Fact]
    public void OnlyOpset17()
    {
        using var model = ModelRegistry.Create("resnet18", new ModelArgs(2, 3, 32));
        var error = Assert.Throws<ArgumentException>(() => OnnxExport.Export(model, new OnnxExportOptions { Opset = 13 }));
        Assert.Contains("opset 13", error.Message);
    }
}
