namespace Osprey.Models;

/// <summary>
/// A build choice one model family has and others do not (a ResNet's width, its small stem): declared by the
/// registry entry, set by the user as a training option (<c>--set width=16</c>), recorded in the run. <see cref="Default"/>
/// gives the value when the user set none (null: the model's own default), and may depend on the input size.
/// </summary>
public sealed record ModelOption(string Key, ModelOptionType Type, string Description, Func<ModelArgs, string?>? Default = null);

public enum ModelOptionType { Integer, Number, Boolean }
