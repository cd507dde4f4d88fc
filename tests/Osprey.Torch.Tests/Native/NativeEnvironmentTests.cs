using System.Runtime.InteropServices;

namespace Osprey.Torch.Tests.Native;

/// <summary>LibTorch.SetNativeEnvironmentDefault writes the C library's environment (what libgomp reads), never
/// overriding a value already set.</summary>
public class NativeEnvironmentTests
{
    [DllImport("libc", EntryPoint = "getenv")]
    static extern IntPtr GetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [Fact]
    public void SetsOnlyWhenUnsetAndNativeCodeSeesIt()
    {
        var name = $"OSPREY_TEST_{Environment.ProcessId}";
        Assert.Equal("PASSIVE", LibTorch.SetNativeEnvironmentDefault(name, "PASSIVE"));
        Assert.Equal("PASSIVE", Marshal.PtrToStringUTF8(GetEnv(name)));
        Assert.Equal("PASSIVE", LibTorch.SetNativeEnvironmentDefault(name, "ACTIVE"));
    }
}
