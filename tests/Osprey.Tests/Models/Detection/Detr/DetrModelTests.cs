using Osprey.Data;
using Osprey.Models;
using Osprey.Models.Detection.Detr;
using Osprey.Torch.NN;
using DetrModel = Osprey.Models.Detection.Detr.Detr;

namespace Osprey.Tests.Models.Detection.Detr;

/// <summary>DETR-R50's size, frozen parts, state-dict names (the official repository's), registry entry, and a
/// training step's gradients and tensor lifetimes.</summary>
public class DetrModelTests
{
    [Fact]
    public void ParameterCountsTrainableAndFrozenBatchNormBuffers()
    {
        using var model = (DetrModel)ModelRegistry.Create("detr-r50");
        var parameters = model.NamedParameters().ToList();
        Assert.Equal(41_524_768, parameters.Sum(p => p.Tensor.NumEl));
        Assert.Equal(41_302_368, parameters.Where(p => p.Tensor.RequiresGrad).Sum(p => p.Tensor.NumEl));
        // Frozen: the stem convolution and layer1 (the official train_backbone rule); nothing else.
        var frozen = parameters.Where(p => !p.Tensor.RequiresGrad).Select(p => p.Name).ToList();
        Assert.Equal(1 + 4 + 3 + 3, frozen.Count); // conv1; layer1 blocks: 3 convs each, plus the downsample conv
        Assert.All(frozen, name => Assert.True(name == "backbone.0.body.conv1.weight" || name.StartsWith("backbone.0.body.layer1."), name));
        // Frozen BatchNorm: weight, bias and statistics are buffers, never parameters.
        var buffers = model.NamedBuffers().ToList();
        Assert.Equal(106_240, buffers.Sum(b => b.Tensor.NumEl));
        Assert.All(buffers, b => Assert.Matches(@"^backbone\.0\.body\..*(bn\d|downsample\.1)\.(weight|bias|running_mean|running_var)$", b.Name));
        Assert.DoesNotContain(parameters, p => p.Name.Contains(".bn") || p.Name.Contains("downsample.1"));
    }

    [Fact]
    public void TheLightConfigurationHasTheOfficialResNet18BuildsParameterCounts()
    {
        // facebookresearch/detr models.build with --backbone resnet18 --hidden_dim 128 --enc_layers 3 --dec_layers 3
        // --dim_feedforward 512 --num_queries 50 (tools/reference/detr_step_reference.py's light configuration).
        using var model = new DetrModel(DetrOptions.LightR18);
        var parameters = model.NamedParameters().ToList();
        Assert.Equal(12_673_184, parameters.Sum(p => p.Tensor.NumEl));
        Assert.Equal(11_166_912, parameters.Where(p => p.Name.StartsWith("backbone.")).Sum(p => p.Tensor.NumEl));
        Assert.Equal(12_516_320, parameters.Where(p => p.Tensor.RequiresGrad).Sum(p => p.Tensor.NumEl));
        Assert.Equal([50L, 128], model.QueryEmbed.Weight.Shape);
        Assert.Equal([128L, 512, 1, 1], model.InputProj.Weight.Shape);
    }

    [Fact]
    public void WithoutBackboneTrainingEveryBackboneParameterIsFrozen()
    {
        using var model = new DetrModel(new DetrOptions { TrainBackbone = false });
        var trainable = model.NamedParameters().Where(p => p.Tensor.RequiresGrad).ToList();
        Assert.DoesNotContain(trainable, p => p.Name.StartsWith("backbone."));
        Assert.Equal(41_524_768 - 23_454_912, trainable.Sum(p => p.Tensor.NumEl));
    }

    [Fact]
    public void BackboneGivesStride32FeaturesOrStride16WhenDilatedWithTheMaskNearestDownsampled()
    {
        using var scope = TensorScope.Begin();
        using var batch = ImageBatch.FromImages([Tensor.Randn([3, 64, 96]), Tensor.Randn([3, 33, 64])]);
        using var noGrad = Autograd.NoGrad();
        using (var c5 = new DetrBackbone())
        {
            c5.Eval();
            var (features, mask) = c5.Call(batch);
            Assert.Equal([2L, 2048, 2, 3], features.Shape);
            // Nearest: feature cell (i, j) takes mask pixel (32 i, 32 j); image 1 is valid on rows < 33, cols < 64.
            Assert.Equal([false, false, false, false, false, false, false, false, true, false, false, true], mask.ToArray<bool>());
        }
        using var dc5 = new DetrBackbone(dilation: true);
        dc5.Eval();
        var (dilated, dilatedMask) = dc5.Call(batch);
        Assert.Equal([2L, 2048, 4, 6], dilated.Shape);
        Assert.Equal([2L, 4, 6], dilatedMask.Shape);
    }

    [Fact]
    public void StateDictKeysAreTheOfficialRepositorys()
    {
        using var model = new DetrModel(new DetrOptions { NumClasses = 91 });
        var keys = model.StateDictKeys();
        Assert.Equal(458, keys.Count);
        string[] official =
        [
            "transformer.encoder.layers.0.self_attn.in_proj_weight", "transformer.encoder.layers.0.self_attn.in_proj_bias",
            "transformer.encoder.layers.5.self_attn.out_proj.weight", "transformer.encoder.layers.5.linear2.bias",
            "transformer.encoder.layers.5.norm2.weight", "transformer.decoder.layers.0.multihead_attn.in_proj_weight",
            "transformer.decoder.layers.5.norm3.bias", "transformer.decoder.norm.weight", "transformer.decoder.norm.bias",
            "class_embed.weight", "class_embed.bias", "bbox_embed.layers.0.weight", "bbox_embed.layers.2.bias",
            "query_embed.weight", "input_proj.weight", "input_proj.bias",
            "backbone.0.body.conv1.weight", "backbone.0.body.bn1.running_var", "backbone.0.body.layer1.0.conv1.weight",
            "backbone.0.body.layer1.0.downsample.1.running_mean", "backbone.0.body.layer4.2.bn3.bias",
        ];
        Assert.All(official, k => Assert.Contains(k, keys));
        Assert.Equal("transformer.encoder.layers.0.self_attn.in_proj_weight", keys[0]);
        Assert.DoesNotContain(keys, k => k.Contains("num_batches_tracked") || k.StartsWith("transformer.encoder.norm") ||
                                          k.Contains("fc.") || k.StartsWith("backbone.1"));
        using var scope = TensorScope.Begin();
        var state = model.StateDict();
        Assert.Equal([92L, 256], state["class_embed.weight"].Shape);
        Assert.Equal([100L, 256], state["query_embed.weight"].Shape);
        Assert.Equal([256L, 2048, 1, 1], state["input_proj.weight"].Shape);
        Assert.Equal([768L, 256], state["transformer.decoder.layers.3.self_attn.in_proj_weight"].Shape);
        Assert.Equal([4L, 256], state["bbox_embed.layers.2.weight"].Shape);
    }

    [Fact]
    public void RegistryEntryIsADetectorWith91ClassesAndRejectsOtherChannelCounts()
    {
        var entry = ModelRegistry.Get("detr-r50");
        Assert.Equal(ModelTask.Detect, entry.Task);
        Assert.Equal(91, entry.DefaultClasses);
        using (var model = (DetrModel)ModelRegistry.Create("detr-r50", new ModelArgs(NumClasses: 20)))
            Assert.Equal(21, model.ClassEmbed.OutFeatures);
        var error = Assert.Throws<ArgumentException>(() => ModelRegistry.Create("detr-r50", new ModelArgs(InChannels: 1)));
        Assert.Contains("3 channels", error.Message);
    }

    [Fact]
    public void RegistryForwardOnAPlainTensorGivesFinalAndAuxiliaryOutputs()
    {
        using var scope = TensorScope.Begin();
        LibTorch.ManualSeed(0);
        using var model = ModelRegistry.Create("detr-r50", new ModelArgs(NumClasses: 5));
        model.Eval();
        using var noGrad = Autograd.NoGrad();
        using var batch = ImageBatch.FromTensor(Tensor.Randn([1, 3, 64, 64]));
        using var output = ((IImageModel<DetrOutput>)model).Run(batch);
        Assert.Equal([1L, 100, 6], output.Logits.Shape);
        Assert.Equal([1L, 100, 4], output.Boxes.Shape);
        Assert.Equal(5, output.Auxiliary.Count);
        Assert.Equal(12, output.Tensors().Count());
        var boxes = output.Boxes.ToArray<float>();
        Assert.All(boxes, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void TrainingStepWithTheSetLossGivesEveryTrainableParameterAGradientAndLeaksNothing()
    {
        LibTorch.ManualSeed(0);
        using var model = new DetrModel(new DetrOptions { NumClasses = 3 });
        model.Train();
        var criterion = new DetrCriterion(numClasses: 3);
        var images = new[] { Tensor.Randn([3, 64, 96]).DetachFromScope(), Tensor.Randn([3, 48, 64]).DetachFromScope() };
        var targets = new[]
        {
            new DetrTarget(Tensor.From(new long[] { 0, 2 }, 2).DetachFromScope(),
                           Tensor.From(new[] { 0.3f, 0.4f, 0.2f, 0.3f, 0.7f, 0.6f, 0.4f, 0.5f }, 2, 4).DetachFromScope()),
            new DetrTarget(Tensor.From(new long[] { 1 }, 1).DetachFromScope(),
                           Tensor.From(new[] { 0.5f, 0.5f, 0.5f, 0.5f }, 1, 4).DetachFromScope()),
        };

        void Step()
        {
            using var scope = TensorScope.Begin();
            using var batch = ImageBatch.FromImages(images);
            using var output = model.Call(batch);
            Assert.Equal([2L, 100, 4], output.Logits.Shape);
            Assert.Equal(5, output.Auxiliary.Count);
            using var losses = criterion.Compute(output, targets);
            Assert.Equal(4 * 6 + 1, losses.Terms.Count);
            losses.Total.Backward();
        }

        Step();
        foreach (var (name, p) in model.NamedParameters())
        {
            if (!p.RequiresGrad)
            {
                Assert.Null(p.Grad);
                continue;
            }
            using var grad = p.Grad;
            Assert.True(grad is not null, $"{name} has no gradient");
            using var finite = grad!.IsFinite().All();
            Assert.True(finite.Item<bool>(), $"{name} has a non-finite gradient");
        }
        model.ZeroGrad();
        var live = Tensor.LiveCount;
        Step();
        model.ZeroGrad();
        Assert.Equal(live, Tensor.LiveCount);
        foreach (var t in images.Concat(targets.SelectMany(t => new[] { t.Labels, t.Boxes }))) t.Dispose();
    }
}
