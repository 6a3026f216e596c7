using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// LeNet-5 (LeCun et al. 1998) as used by the study: the input is resized to 32 x 32 (bilinear,
/// inside the network, so gradients reach the original pixels); conv 6@5x5, ReLU, 2x2 max pool;
/// conv 16@5x5, ReLU, 2x2 max pool; fc 120, ReLU; fc 84, ReLU; fc classes. See docs/models.md.
/// </summary>
internal sealed class LeNet5Architecture : IModelArchitecture
{
    public const string ArchitectureName = "lenet5";

    public string Name => ArchitectureName;

    public string Description => "LeNet-5: bilinear resize to 32x32, conv 6@5x5, max pool, conv 16@5x5, max pool, fc 120, fc 84, fc classes (ReLU)";

    public nn.Module<Tensor, Tensor> Create(ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        return new LeNet5Module(shape.ClassCount);
    }
}

/// <summary>The LeNet-5 network (see <see cref="LeNet5Architecture"/>).</summary>
internal sealed class LeNet5Module : nn.Module<Tensor, Tensor>
{
    /// <summary>The side LeNet-5 works at; inputs of any size are resized to it.</summary>
    public const int InputSide = 32;

    private static readonly long[] _resized = [InputSide, InputSide];

    private readonly Conv2d _conv1;
    private readonly MaxPool2d _pool1;
    private readonly Conv2d _conv2;
    private readonly MaxPool2d _pool2;
    private readonly Flatten _flatten;
    private readonly Linear _fc1;
    private readonly Linear _fc2;
    private readonly Linear _fc3;
    private readonly ReLU _relu;

    public LeNet5Module(int classCount)
        : base(LeNet5Architecture.ArchitectureName)
    {
        _conv1 = nn.Conv2d(1, 6, 5);
        _pool1 = nn.MaxPool2d(2);
        _conv2 = nn.Conv2d(6, 16, 5);
        _pool2 = nn.MaxPool2d(2);
        _flatten = nn.Flatten();
        _fc1 = nn.Linear(16 * 5 * 5, 120);
        _fc2 = nn.Linear(120, 84);
        _fc3 = nn.Linear(84, classCount);
        _relu = nn.ReLU();
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.shape[2] == InputSide && input.shape[3] == InputSide
            ? input
            : nn.functional.interpolate(input, size: _resized, mode: InterpolationMode.Bilinear, align_corners: false);
        x = _pool1.forward(_relu.forward(FirstLayerConvolution.Forward(_conv1, x, 5, 0)));
        x = _pool2.forward(_relu.forward(_conv2.forward(x)));
        x = _flatten.forward(x);
        x = _relu.forward(_fc1.forward(x));
        x = _relu.forward(_fc2.forward(x));
        return _fc3.forward(x).MoveToOuterDisposeScope();
    }
}
