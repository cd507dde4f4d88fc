using Osprey.Torch.NN;

namespace Osprey.Torch.Tests.Optim;

/// <summary>
/// The fixed problem of tools/reference/golden_optim.py: a 4-6-2 tanh MLP on 16 samples, mse loss.
/// Owns fresh copies of the initial parameters (requires_grad) and the data.
/// </summary>
sealed class MlpProblem : IDisposable
{
    public static readonly string[] Names = ["w1", "b1", "w2", "b2"];

    readonly Tensor x, y;

    public MlpProblem()
    {
        using var scope = TensorScope.Begin();
        var fixture = Fixture.Load("optim/problem");
        x = scope.Keep(fixture["x"]).DetachFromScope();
        y = scope.Keep(fixture["y"]).DetachFromScope();
        Params = Names.ToDictionary(n => n, n => scope.Keep(fixture[n].Clone().RequiresGrad_()).DetachFromScope());
    }

    public Dictionary<string, Tensor> Params { get; }

    public IEnumerable<Tensor> All => Names.Select(n => Params[n]);
    public IEnumerable<Tensor> Weights => [Params["w1"], Params["w2"]];
    public IEnumerable<Tensor> Biases => [Params["b1"], Params["b2"]];

    /// <summary>
    /// ZeroGrad is the optimizer's job; this computes sign * loss and back-propagates it. With
    /// <paramref name="noise"/> the inputs get Gaussian noise from the global generator (an RNG-dependent step).
    /// </summary>
    public void Backward(double sign = 1, double noise = 0)
    {
        using var scope = TensorScope.Begin();
        var input = noise == 0 ? x : x + x.RandnLike() * noise;
        var hidden = Functional.Linear(input, Params["w1"], Params["b1"]).Tanh();
        var loss = Functional.MseLoss(Functional.Linear(hidden, Params["w2"], Params["b2"]), y);
        (sign == 1 ? loss : loss * sign).Backward();
    }

    public void Dispose()
    {
        x.Dispose();
        y.Dispose();
        foreach (var p in Params.Values) p.Dispose();
    }
}
