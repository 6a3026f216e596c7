using Robustness.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>Turns images and labels of an <see cref="ImageSet"/> into tensors, copying straight into the tensor's memory.</summary>
internal static class ImageTensors
{
    /// <summary>Images [start, start + count) as a float32 (count, 1, H, W) tensor on <paramref name="device"/>.</summary>
    public static Tensor Images(ImageSet set, int start, int count, Device device)
    {
        int ppi = set.PixelsPerImage;
        var cpu = empty([count, 1, set.Height, set.Width], ScalarType.Float32);
        using (var access = cpu.data<float>())
        {
            for (int i = 0; i < count; i++)
            {
                access.CopyFrom(set.GetImage(start + i), 0, (long)i * ppi);
            }
        }

        return OnDevice(cpu, device);
    }

    /// <summary>Labels [start, start + count) as an int64 tensor on <paramref name="device"/>.</summary>
    public static Tensor Labels(ImageSet set, int start, int count, Device device)
    {
        var cpu = empty([count], ScalarType.Int64);
        var labels = set.Labels.Slice(start, count);
        using (var access = cpu.data<long>())
        {
            Span<long> chunk = stackalloc long[256];
            for (int done = 0; done < count; done += chunk.Length)
            {
                int n = Math.Min(chunk.Length, count - done);
                for (int i = 0; i < n; i++)
                {
                    chunk[i] = labels[done + i];
                }

                access.CopyFrom(chunk[..n], 0, done);
            }
        }

        return OnDevice(cpu, device);
    }

    /// <summary>Moves a CPU tensor to the device (disposing the CPU copy), or returns it when the device is the CPU.</summary>
    public static Tensor OnDevice(Tensor cpu, Device device)
    {
        if (device.type == DeviceType.CPU)
        {
            return cpu;
        }

        var moved = cpu.to(device);
        cpu.Dispose();
        return moved;
    }
}
