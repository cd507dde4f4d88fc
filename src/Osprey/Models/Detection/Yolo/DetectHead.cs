using Osprey.Models.Layers;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Yolo;

/// <summary>
/// What every ultralytics-style anchor-free detection head shares: per level a box branch cv2[i] ending in a 1x1
/// conv to 4*reg_max distance bins and a class branch cv3[i] ending in a 1x1 conv to the class logits; their
/// outputs are concatenated per level (the raw maps). In eval mode the maps are flattened over all levels, the DFL
/// turns the bins into distances, the distances become xywh boxes in pixels around the anchor points, and the class
/// logits go through a sigmoid. Subclasses (Detect, Detect_SEAM, Detect_MultiSEAM) differ only in the branches.
/// Children cv2, cv3, dfl.
/// </summary>
public abstract class DetectHead : Module<IReadOnlyList<Tensor>, DetectionOutput>
{
    public const long RegMax = 16;

    ModuleList<Sequential> cv2 = null!, cv3 = null!;
    Dfl dfl = null!;
    double[]? strides;

    public long NumClasses { get; }
    public IReadOnlyList<long> InChannels { get; }
    public int Levels => InChannels.Count;
    /// <summary>Outputs per anchor point: 4*reg_max + classes.</summary>
    public long OutputsPerAnchor => NumClasses + 4 * RegMax;
    /// <summary>Each level's stride in input pixels (set when the model is built; needed to decode).</summary>
    public IReadOnlyList<double>? Strides => strides;
    /// <summary>Strides, classes and reg_max, what the loss is built from (after the model set the strides).</summary>
    public DetectHeadInfo Info => new(strides ?? throw new InvalidOperationException($"{TypeName}: strides are not set; build the head through a YOLO model"),
                                      NumClasses, RegMax);

    protected DetectHead(long numClasses, IReadOnlyList<long> inChannels)
    {
        if (numClasses < 1) throw new ArgumentException($"{TypeName}: number of classes must be positive, got {numClasses}");
        if (inChannels.Count == 0) throw new ArgumentException($"{TypeName}: needs at least one input level");
        NumClasses = numClasses;
        InChannels = inChannels.ToArray();
    }

    /// <summary>Hidden channels of the box branches (c2) and class branches (c3), as ultralytics computes them.</summary>
    protected (long Box, long Class) BranchChannels() =>
        (Math.Max(Math.Max(16, InChannels[0] / 4), 4 * RegMax), Math.Max(InChannels[0], Math.Min(NumClasses, 100)));

    /// <summary>Registers (or replaces, disposing the old ones) the branches, then a new DFL.</summary>
    protected void SetBranches(IEnumerable<Sequential> boxBranches, IEnumerable<Sequential> classBranches)
    {
        cv2 = RegisterModule("cv2", new ModuleList<Sequential>(boxBranches));
        cv3 = RegisterModule("cv3", new ModuleList<Sequential>(classBranches));
        dfl = RegisterModule("dfl", new Dfl(RegMax));
    }

    /// <summary>
    /// Records the level strides and sets the final biases as ultralytics' bias_init does: box bins 1.0, class
    /// logits log(5 / classes / (640 / stride)^2) (about 0.01 objects per cell of a 640 image).
    /// </summary>
    public void SetStrides(IReadOnlyList<double> levelStrides)
    {
        if (levelStrides.Count != Levels)
            throw new ArgumentException($"{TypeName}: {Levels} levels but {levelStrides.Count} strides");
        strides = levelStrides.ToArray();
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        for (var i = 0; i < Levels; i++)
        {
            ((Conv2d)cv2[i][^1]).Bias!.CopyFrom(Tensor.Ones([4 * RegMax]));
            var prior = Math.Log(5.0 / NumClasses / Math.Pow(640 / strides[i], 2));
            ((Conv2d)cv3[i][^1]).Bias!.CopyFrom(Tensor.Full([NumClasses], prior));
        }
    }

    /// <summary>Checks the level maps before the branches run (a head with size limits overrides it).</summary>
    protected virtual void ValidateLevels(IReadOnlyList<Tensor> levels) { }

    public override DetectionOutput Forward(IReadOnlyList<Tensor> levels)
    {
        if (levels.Count != Levels) throw new ArgumentException($"{TypeName}: expected {Levels} level maps, got {levels.Count}");
        for (var i = 0; i < Levels; i++)
            if (levels[i].Dim != 4 || levels[i].Size(1) != InChannels[i])
                throw new ArgumentException($"{TypeName}: level {i} must be (N, {InChannels[i]}, H, W), got {levels[i].Describe()}");
        ValidateLevels(levels);
        using var scope = TensorScope.Begin();
        var maps = new Tensor[Levels];
        for (var i = 0; i < Levels; i++) maps[i] = Tensor.Cat([cv2[i].Call(levels[i]), cv3[i].Call(levels[i])], 1);
        scope.Keep(maps);
        if (IsTraining) return new DetectionOutput(maps, null, null);

        if (strides == null) throw new InvalidOperationException($"{TypeName}: strides are not set; build the head through a YOLO model");
        long n = maps[0].Size(0);
        var flat = Tensor.Cat(maps.Select(m => m.View(n, OutputsPerAnchor, -1)).ToArray(), 2);
        var parts = flat.Split([4 * RegMax, NumClasses], 1);
        var (points, strideRow) = AnchorPoints.Make(maps, strides);
        var boxes = AnchorPoints.DistancesToBoxes(dfl.Call(parts[0]), points, strideRow);
        var scores = parts[1].Sigmoid();
        scope.Keep(boxes, scores);
        return new DetectionOutput(maps, boxes, scores);
    }
}
