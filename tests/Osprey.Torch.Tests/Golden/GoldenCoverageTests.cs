using System.Reflection;

namespace Osprey.Torch.Tests.Golden;

/// <summary>Every fixture written by tools/reference/golden_ops.py is exercised by exactly one C# case, and the
/// suite covers the breadth the tensor engine promises.</summary>
public class GoldenCoverageTests
{
    static Dictionary<string, string> CaseOwners()
    {
        var owners = new Dictionary<string, string>();
        foreach (var type in typeof(GoldenCoverageTests).Assembly.GetTypes())
        {
            var field = type.GetField("Cases", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public);
            if (field?.GetValue(null) is not GoldenCases cases) continue;
            foreach (var name in cases.Keys)
            {
                Assert.False(owners.TryGetValue(name, out var other), $"case {name} defined in both {other} and {type.Name}");
                owners[name] = type.Name;
            }
        }
        return owners;
    }

    static string[] FixtureNames() =>
        Directory.GetFiles(Path.GetDirectoryName(Fixture.PathOf(Golden.FixtureName("x")))!, "*.safetensors")
            .Select(Path.GetFileNameWithoutExtension).Select(n => n!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void EveryFixtureHasExactlyOneCaseAndEveryCaseAFixture()
    {
        var owners = CaseOwners();
        var fixtures = FixtureNames();
        Assert.Empty(fixtures.Except(owners.Keys));
        Assert.Empty(owners.Keys.Except(fixtures));
    }

    [Fact]
    public void CoversAtLeast70ForwardOpsAnd25GradientOps()
    {
        var forwardOps = new HashSet<string>();
        var gradOps = new HashSet<string>();
        using var scope = TensorScope.Begin();
        foreach (var name in FixtureNames())
        {
            var fixture = Fixture.Load(Golden.FixtureName(name));
            var op = fixture.Metadata["op"];
            (fixture.Metadata["kind"] == "grad" ? gradOps : forwardOps).Add(op);
        }
        Assert.True(forwardOps.Count >= 70, $"forward cases cover {forwardOps.Count} distinct ops");
        Assert.True(gradOps.Count >= 25, $"gradient cases cover {gradOps.Count} distinct ops");
    }
}
