using Osprey.Torch.Serialization;

namespace Osprey.Torch.Tests;

/// <summary>A golden fixture written by tools/reference (tests/fixtures/NAME.safetensors).</summary>
public sealed class Fixture
{
    public Dictionary<string, Tensor> Tensors { get; }
    public Dictionary<string, string> Metadata { get; }

    Fixture(Dictionary<string, Tensor> tensors, Dictionary<string, string> metadata) => (Tensors, Metadata) = (tensors, metadata);

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name + ".safetensors");

    /// <summary>Loads the fixture; its tensors belong to the current scope.</summary>
    public static Fixture Load(string name)
    {
        var (tensors, metadata) = SafeTensors.Load(PathOf(name));
        return new Fixture(tensors, metadata);
    }

    public Tensor this[string key] => Tensors.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"fixture has no tensor '{key}'");
}
