using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Osprey.Cli.Tests.Commands;

/// <summary>The README's "Use from C#" section compiles as printed: its C# block becomes the Program.cs of a fresh
/// console project referencing src/Osprey (already built with these tests), built with warnings as errors.</summary>
public partial class ReadmeSnippetTests
{
    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [Fact]
    public async Task UseFromCSharpCompilesAsPrinted()
    {
        var root = OspreyProcess.RepositoryRoot;
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        int start = readme.IndexOf("\n## Use from C#\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Use from C#' section");
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        var blocks = CSharpBlock().Matches(section).Select(m => m.Groups[1].Value).ToList();
        var program = Assert.Single(blocks);
        foreach (var shown in new[] { "Trainer.Create(", "TrainedModel.Load(", "TaskRegistry.Get(", ".Predict(", "new Classifier(", ".Validate(", "results.csv" })
            Assert.True(program.Contains(shown, StringComparison.Ordinal) || section.Contains(shown, StringComparison.Ordinal), $"the section never shows {shown}");

        var folder = Directory.CreateTempSubdirectory("osprey-readme-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "Program.cs"), program);
            File.WriteAllText(Path.Combine(folder, "ReadmeSnippet.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{Path.Combine(root, "src", "Osprey", "Osprey.csproj")}" />
                  </ItemGroup>
                </Project>
                """);
            // BuildProjectReferences=false: compile against the Osprey.dll this test run was built with, not a second build.
            var build = new ProcessStartInfo("dotnet", ["build", "-c", OspreyProcess.Configuration, "-nologo", "-v", "quiet", "-clp:ErrorsOnly",
                                                         "-p:BuildProjectReferences=false"])
            { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(build)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"the README's C# does not build:\n{await output}\n{errors}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
