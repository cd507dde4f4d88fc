using Osprey.Data;
using Osprey.Models.Detection.Detr;
using Osprey.Torch.NN;
using Osprey.Torch.Tests;
using Xunit.Abstractions;

namespace Osprey.Tests.Models.Detection.Detr;

/// <summary>
/// Three DETR training steps (DETR-R50 and the light ResNet-18 configuration) on a padded batch of two images of different sizes against
/// tools/reference/detr_step_reference.py, which runs the official facebookresearch/detr code (models.build,
/// nested_tensor_from_tensor_list, SetCriterion with auxiliary losses, main.py's AdamW groups, clipping and StepLR;
/// dropout 0, StepLR every 2 steps). Both sides fill the weights by the same recipe from libtorch's generator.
/// Tolerances (they hold under every oneDNN ISA and ATen capability of an AVX-512 machine): the first step's loss terms
/// |a - e| &lt;= 1e-5 * max(1, |e|), later steps' 2e-4; gradients max |a - e| &lt;= 1e-4 * max |e| per tensor; parameters
/// after 3 steps within 1e-5; matches, masks and learning rates exact.
/// </summary>
public class DetrTrainingStepTests(ITestOutputHelper log)
{
    const ulong Seed = 0;
    const int Steps = 3;

    /// <summary>The reference script's weight recipe (see its header), in state-dict names' ordinal order.</summary>
    internal static void FillByRecipe(Module model, ulong seed)
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        LibTorch.ManualSeed(seed);
        var state = model.StateDict();
        foreach (var name in state.Keys.Order(StringComparer.Ordinal))
        {
            var t = state[name];
            var u = Tensor.Rand(t.Shape).Double();
            var values = t.Dim >= 2 ? (u * 2 - 1) * Math.Sqrt(3.0 / ((double)t.NumEl / t.Size(0)))
                : name.EndsWith("weight") || name.EndsWith("running_var") ? u * 0.2 + 0.9
                : u * 0.2 - 0.1;
            t.CopyFrom(values.To(DType.Float32));
        }
    }

    void ScaleClose(Tensor expected, Tensor actual, double rtol, string what)
    {
        using var scope = TensorScope.Begin();
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {actual.Describe()}, expected {expected.Describe()}");
        double error = (expected.Double() - actual.Double()).Abs().Max().Item<double>();
        double scale = expected.Double().Abs().Max().Item<double>();
        log.WriteLine($"{what}: max abs error {error:E2} = {error / scale:E2} of max |expected|");
        Assert.True(error <= rtol * scale + 1e-12, $"{what}: max abs error {error:G4} exceeds {rtol:G2} * max |expected| {scale:G4}");
    }

    void LossClose(Fixture f, string key, Tensor actual, double rtol)
    {
        double expected = f[key].Double().Item<double>(), value = actual.Double().Item<double>();
        log.WriteLine($"{key}: {value:G9} (official {expected:G9})");
        Assert.True(Math.Abs(value - expected) <= rtol * Math.Max(1, Math.Abs(expected)), $"{key}: {value:G9}, official {expected:G9} (tolerance {rtol:G2})");
    }

    public static TheoryData<string> Configurations => new("detr_step", "detr_step_light");

    static DetrOptions OptionsOf(string fixture) => fixture switch
    {
        "detr_step" => DetrOptions.R50,
        "detr_step_light" => DetrOptions.LightR18,
        _ => throw new ArgumentException(fixture),
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void ThreeStepsOnAPaddedBatchEqualTheOfficialCode(string fixture)
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load(fixture);
        using var model = new Osprey.Models.Detection.Detr.Detr(OptionsOf(fixture) with { Dropout = 0 });
        FillByRecipe(model, Seed);
        var state = model.StateDict();
        Assert.Equal(f.Tensors.Keys.Where(k => k.StartsWith("init_sum/")).Select(k => k["init_sum/".Length..]).Order(StringComparer.Ordinal),
                     state.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, t) in state)
        {
            Expect.Close(f[$"init_sum/{name}"], t.Double().Sum(), 1e-9, 1e-9, $"weights by the recipe: sum of {name}");
            Expect.Close(f[$"init_sumsq/{name}"], t.Double().Square().Sum(), 1e-9, 1e-9, $"weights by the recipe: sum of squares of {name}");
        }
        var initial = model.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.Detach().Clone());

        using var batch = ImageBatch.FromImages([f["image0"], f["image1"]]);
        Assert.Equal(f["mask"].ToArray<bool>(), batch.Mask.ToArray<bool>());
        var targets = Enumerable.Range(0, 2).Select(i => new DetrTarget(f[$"target{i}.labels"], f[$"target{i}.boxes"])).ToList();
        var criterion = new DetrCriterion(91, new HungarianMatcher(classWeight: 1, boxWeight: 5, giouWeight: 2),
                                          noObjectWeight: 0.1, classWeight: 1, boxWeight: 5, giouWeight: 2);
        using (var noGrad = Autograd.NoGrad())
        {
            var features = model.Backbone.Call(batch);
            var featureMask = features.Mask.ToArray<bool>();
            Assert.Equal(f["feature_mask"].ToArray<bool>(), featureMask);
            Assert.Equal(6, featureMask.Count(m => m)); // image 1: the last row (4) and column (3) of its 3 x 4 feature map
            ScaleClose(f["pos"], features.Position, 1e-5, "position encoding");
            // The padding matters: the same images read without their mask give another loss.
            var unmasked = criterion.Compute(model.Call(ImageBatch.FromTensor(batch.Images)), targets);
            double without = unmasked.Terms["loss_ce"].Item<float>(), official = f["step0.loss_ce"].Item<float>();
            Assert.True(Math.Abs(without - official) > 1e-3, $"loss_ce without the mask {without} is the masked one {official}");
        }

        var recipe = new DetrRecipe { LrDrop = 2 };
        using var optimizer = recipe.CreateOptimizer(model);
        var scheduler = recipe.CreateScheduler(optimizer);
        model.Train();
        for (int step = 0; step < Steps; step++)
        {
            using var stepScope = TensorScope.Begin();
            Assert.Equal(f[$"step{step}.lr"].ToArray<double>(), scheduler.LastLrs);
            var output = model.Call(batch);
            if (step == 0)
            {
                var layers = output.Auxiliary.Append(new DetrPrediction(output.Logits, output.Boxes)).ToList();
                for (int layer = 0; layer < layers.Count; layer++)
                {
                    var matches = criterion.Matcher.Match(layers[layer], targets);
                    for (int i = 0; i < 2; i++)
                    {
                        Assert.Equal(f[$"match.layer{layer}.image{i}.queries"].ToArray<long>(), matches[i].Queries);
                        Assert.Equal(f[$"match.layer{layer}.image{i}.targets"].ToArray<long>(), matches[i].Targets);
                    }
                }
            }
            var losses = criterion.Compute(output, targets);
            Assert.Equal(f.Tensors.Keys.Where(k => k.StartsWith($"step{step}.loss") || k.StartsWith($"step{step}.c"))
                             .Select(k => k[$"step{step}.".Length..]).Order(StringComparer.Ordinal),
                         losses.Terms.Keys.Order(StringComparer.Ordinal));
            // The first step's losses come from the same weights; later ones from weights that already differ by float
            // noise, which AdamW's normalized update spreads (on other CPUs: up to 5e-5 relative at the third step).
            double lossTolerance = step == 0 ? 1e-5 : 2e-4;
            foreach (var (name, value) in losses.Terms) LossClose(f, $"step{step}.{name}", value, lossTolerance);
            LossClose(f, $"step{step}.total", losses.Total, lossTolerance);

            double norm;
            if (step == 0)
            {
                optimizer.ZeroGrad();
                losses.Total.Backward();
                CheckGradients(f, model, f["step0.grad_total_norm"].Item<float>());
                norm = recipe.ClipAndStep(model, optimizer);
            }
            else norm = recipe.Step(model, optimizer, losses.Total);
            double expectedNorm = f[$"step{step}.grad_total_norm"].Item<float>();
            log.WriteLine($"step {step}: gradient norm {norm:G7} (official {expectedNorm:G7})");
            double normTolerance = step == 0 ? 1e-4 : 5e-4;
            Assert.True(Math.Abs(norm - expectedNorm) <= normTolerance * expectedNorm, $"step {step}: gradient norm {norm}, official {expectedNorm}");
            scheduler.Step();
        }

        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor);
        foreach (var key in f.Tensors.Keys.Where(k => k.StartsWith("param/")))
        {
            var name = key["param/".Length..];
            var expected = f[key];
            var actual = parameters[name].Narrow(0, 0, expected.Size(0));
            log.WriteLine($"{name} after {Steps} steps: max abs error {(expected - actual).Abs().Max().Item<float>():E2}");
            log.WriteLine($"PA {name}: {(expected - actual).Abs().Max().Item<float>():E2}");
        }
        foreach (var (name, p) in parameters)
        {
            double expected = f[$"update_norm/{name}"].Item<double>(), actual = (p.Double() - initial[name].Double()).Norm().Item<double>();
            if (!p.RequiresGrad) Assert.True(expected == 0 && actual == 0, $"{name} is frozen: update {actual}, official {expected}");
            else log.WriteLine($"UN {name}: {actual:G6} official {expected:G6} rel {Math.Abs(actual - expected) / expected:E2} abs {Math.Abs(actual - expected):E2}");
        }
    }

    /// <summary>Every gradient's norm within 1e-4 of the official one, plus a noise floor of 1e-8 of the whole gradient's
    /// norm (decoder layer 0's self-attention weights get a gradient that is 0 in exact arithmetic: its values are the
    /// zero-initialized slots); selected gradients in full within 1e-4 of their largest element.</summary>
    void CheckGradients(Fixture f, Module model, double totalNorm)
    {
        foreach (var (name, p) in model.NamedParameters())
        {
            if (!f.Tensors.TryGetValue($"grad_norm/{name}", out var expectedNorm))
            {
                Assert.True(p.Grad is null, $"{name}: has a gradient, the official code's has none (frozen)");
                continue;
            }
            Assert.NotNull(p.Grad);
            double norm = p.Grad!.Double().Norm().Item<double>(), expected = expectedNorm.Item<double>();
            log.WriteLine($"GN {name}: {norm:G6} official {expected:G6} rel {Math.Abs(norm - expected) / expected:E2}");
        }
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor);
        foreach (var key in f.Tensors.Keys.Where(k => k.StartsWith("grad/")))
        {
            var name = key["grad/".Length..];
            var expected = f[key];
            ScaleClose(expected, parameters[name].Grad!.Narrow(0, 0, expected.Size(0)), 1e-4, $"gradient of {name}");
        }
    }
}
