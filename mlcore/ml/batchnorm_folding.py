"""BatchNorm folded into the convolution before it, for an EfficientNet-Lite in eval mode: the same numbers, faster."""


def fold_batchnorm(model):
    """A copy of an EfficientNet-Lite in eval mode with each BatchNorm folded into its convolution.

    In eval mode BatchNorm is y = (x - mean) / sqrt(var + eps) * gamma + beta, an affine map per channel, so it
    can be merged into the weights and bias of the convolution before it, which saves a pass over every
    activation. The symmetric TensorFlow "same" paddings become the convolution's own padding, which saves a
    copy of the activations.
    """
    import copy

    import torch
    from torch import nn

    model = copy.deepcopy(model).eval()
    pairs = [(model, "_conv_stem", "_bn0"), (model, "_conv_head", "_bn1")]
    for block in model._blocks:
        if hasattr(block, "_expand_conv"):
            pairs.append((block, "_expand_conv", "_bn0"))
        pairs.append((block, "_depthwise_conv", "_bn1"))
        pairs.append((block, "_project_conv", "_bn2"))
    with torch.no_grad():
        for owner, conv_name, bn_name in pairs:
            conv, bn = getattr(owner, conv_name), getattr(owner, bn_name)
            scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            bias = bn.bias - bn.running_mean * scale
            if conv.bias is not None:
                bias = bias + conv.bias * scale
            conv.weight = nn.Parameter(conv.weight * scale.reshape(-1, 1, 1, 1), requires_grad=False)
            conv.bias = nn.Parameter(bias, requires_grad=False)
            setattr(owner, bn_name, nn.Identity())
    for module in model.modules():
        padding = getattr(module, "static_padding", None)
        if isinstance(padding, nn.ZeroPad2d):
            left, right, top, bottom = padding.padding
            if left == right and top == bottom:
                module.padding = (top, left)
                module.static_padding = nn.Identity()
    return model
