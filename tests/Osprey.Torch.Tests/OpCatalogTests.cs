using System.Reflection;

namespace Osprey.Torch.Tests;

/// <summary>
/// Every operator the binding declares (a static readonly <see cref="Op"/> field anywhere in Osprey.Torch)
/// resolves in libtorch's dispatcher: a typo in a schema or overload name fails here, not in the first
/// model that happens to call it.
/// </summary>
public class OpCatalogTests
{
    static IEnumerable<FieldInfo> OpFields() =>
        typeof(Op).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => f.FieldType == typeof(Op) && f.IsInitOnly);

    public static TheoryData<string> Declared()
    {
        var names = new TheoryData<string>();
        foreach (var f in OpFields().OrderBy(f => f.DeclaringType!.FullName).ThenBy(f => f.Name))
            names.Add($"{f.DeclaringType!.FullName}.{f.Name}");
        return names;
    }

    [Theory, MemberData(nameof(Declared))]
    public void ResolvesInTheDispatcher(string field)
    {
        var info = OpFields().Single(f => $"{f.DeclaringType!.FullName}.{f.Name}" == field);
        var op = (Op)info.GetValue(null)!;
        var schema = op.Schema;
        Assert.False(string.IsNullOrEmpty(schema), $"{field}: {op.FullName} has an empty schema");
        Assert.StartsWith(op.FullName + "(", schema);
    }

    [Fact]
    public void FindsTheOperatorsOfEveryTensorAndFunctionalFile()
    {
        var declaring = OpFields().Select(f => f.DeclaringType!.Name).ToHashSet();
        Assert.Contains(nameof(Tensor), declaring);
        Assert.Contains(nameof(Osprey.Torch.NN.Functional), declaring);
        Assert.True(OpFields().Count() >= 100, $"only {OpFields().Count()} Op fields found");
    }

    [Fact]
    public void AMisspelledOperatorFailsWithItsName()
    {
        var op = new Op("aten::conv2dd");
        var e = Assert.Throws<TorchException>(() => op.Schema);
        Assert.Contains("aten::conv2dd", e.Message);
    }
}
