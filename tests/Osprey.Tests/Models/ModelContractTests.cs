using Osprey.Data;
using System.Text.Json;
using Osprey.Models;

namespace Osprey.Tests.Models;

/// <summary>
/// Every registered model: its parameter count equals the PyTorch reference's (tools/reference), a forward and
/// backward on a small batch in training mode gives every trainable parameter a gradient, and building, running
/// and disposing it leaves no tensor alive.
/// </summary>
public class ModelContractTests
{
    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var e in ModelRegistry.All) data.Add(e.Name);
            return data;
        }
    }

    static Dictionary<string, long> ReferenceCounts()
    {
        var path = Path.Combine(ReferenceOutputs.Folder("models_part1.py"), "parameter_counts.json");
        return JsonSerializer.Deserialize<Dictionary<string, long>>(File.ReadAllText(path))!;
    }

    /// <summary>Classification and segmentation models; detection models have count tests of their own.</summary>
    public static TheoryData<string> Part1Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var e in ModelRegistry.All.Where(e => e.Task != ModelTask.Detect)) data.Add(e.Name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Part1Names))]
    public void ParameterCountEqualsTheReference(string name)
    {
        Assert.True(ReferenceCounts().TryGetValue(name, out var expected), $"tools/reference/models_part1.py has no count for {name}");
        using var model = ModelRegistry.Create(name);
        Assert.Equal(expected, model.Parameters().Sum(p => p.NumEl));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TrainsOneStepWithGradientsEverywhereAndNoLeak(string name)
    {
        var entry = ModelRegistry.Get(name);
        long before = Tensor.LiveCount;
        using (var model = ModelRegistry.Create(name, new ModelArgs(NumClasses: 3)))
        {
            model.Train();
            using var scope = TensorScope.Begin();
            LibTorch.ManualSeed(0);
            var input = Tensor.Randn([2, entry.DefaultInChannels, entry.SmallImageSize, entry.SmallImageSize]);
            using var batch = ImageBatch.FromTensor(input);
            using var output = ((IImageModel)model).Run(batch);
            var loss = output.Tensors().Select(t => t.Mean()).Aggregate((a, b) => a + b);
            Assert.True(float.IsFinite(loss.Item<float>()), $"{name}: loss {loss.Item<float>()}");
            loss.Backward();
            var missing = model.NamedParameters().Where(p => p.Tensor.RequiresGrad && p.Tensor.Grad is null).Select(p => p.Name).ToList();
            Assert.True(missing.Count == 0, $"{name}: no gradient for {string.Join(", ", missing.Take(5))}");
        }
        Assert.Equal(before, Tensor.LiveCount);
    }
}
