namespace Osprey.Training.Ultralytics;

/// <summary>
/// The optimizer and warm-up settings of ultralytics' trainer, with the defaults of its cfg/default.yaml:
/// optimizer auto, lr0 0.01, lrf 0.01 (final lr = lr0 * lrf), momentum 0.937 (Adam's beta1), weight decay 5e-4,
/// 3 warm-up epochs from momentum 0.8 and bias lr 0.1, nominal batch 64, linear decay unless <see cref="CosLr"/>.
/// </summary>
public sealed record UltralyticsHyperparameters
{
    public string Optimizer { get; init; } = "auto";
    public double Lr0 { get; init; } = 0.01;
    public double Lrf { get; init; } = 0.01;
    public double Momentum { get; init; } = 0.937;
    public double WeightDecay { get; init; } = 5e-4;
    public double WarmupEpochs { get; init; } = 3.0;
    public double WarmupMomentum { get; init; } = 0.8;
    public double WarmupBiasLr { get; init; } = 0.1;
    public int Nbs { get; init; } = 64;
    public bool CosLr { get; init; }

    /// <summary>Throws naming the first field out of range.</summary>
    public void Validate()
    {
        Require(double.IsFinite(Lr0) && Lr0 > 0, nameof(Lr0), Lr0, "> 0");
        Require(double.IsFinite(Lrf) && Lrf > 0, nameof(Lrf), Lrf, "> 0");
        Require(Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "in [0, 1)");
        Require(double.IsFinite(WeightDecay) && WeightDecay >= 0, nameof(WeightDecay), WeightDecay, ">= 0");
        Require(double.IsFinite(WarmupEpochs) && WarmupEpochs >= 0, nameof(WarmupEpochs), WarmupEpochs, ">= 0");
        Require(WarmupMomentum >= 0 && WarmupMomentum < 1, nameof(WarmupMomentum), WarmupMomentum, "in [0, 1)");
        Require(double.IsFinite(WarmupBiasLr) && WarmupBiasLr >= 0, nameof(WarmupBiasLr), WarmupBiasLr, ">= 0");
        Require(Nbs > 0, nameof(Nbs), Nbs, "> 0");
    }

    static void Require(bool ok, string field, object value, string expected)
    {
        if (!ok) throw new ArgumentException($"ultralytics hyper-parameter {field} = {value}: expected {expected}");
    }
}
