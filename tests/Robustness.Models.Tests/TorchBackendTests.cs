using Robustness.Models;
using TorchSharp;

namespace Robustness.Models.Tests;

public sealed class TorchBackendTests
{
    [Test]
    public void Backend_Loads_AndReportsAtLeastOneCpuThread()
    {
        TorchRuntimeInfo info = TorchRuntime.Describe();

        Assert.That(info.Threads, Is.GreaterThanOrEqualTo(1));
        Assert.That(info.CudaDeviceCount, Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public void MatrixProduct_MatchesHandComputedValues()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = torch.tensor(new float[] { 7, 8, 9, 10, 11, 12 }, 3, 2);

        float[] product = a.matmul(b).data<float>().ToArray();

        // [1 2 3; 4 5 6] x [7 8; 9 10; 11 12] = [58 64; 139 154]
        Assert.That(product, Is.EqualTo(new float[] { 58, 64, 139, 154 }));
    }

    [Test]
    public void Gradient_OfSumOfSquares_IsTwiceTheInput()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { -1.5f, 0f, 2f }, requires_grad: true);

        x.pow(2).sum().backward();

        Assert.That(x.grad!.data<float>().ToArray(), Is.EqualTo(new float[] { -3f, 0f, 4f }));
    }
}
