"""Steps 2 to 4 of an exported script: design the model, loss and optimizer, training cycle.

Plain text, written as the twins compute: the manual twin's hand-written
functions are copied from lab.models.functions with inspect, the nn twin becomes
nn.Linear, a library loss and optim.SGD; the training cycle draws the batch
order as lab.train does and scores each split after every epoch as it does.
"""

from lab.export.data import fill, has_test_split
from lab.models import FAMILIES, functions
from lab.source import source_of



def design(config, impl):
    """Step 2: the initial parameters, drawn as lab.models.params draws them, and the forward pass."""
    export = FAMILIES[config.model].export
    if impl == "manual":
        code = _manual_init(config.init, export.weight, export.outputs)
        if export.hand_model:
            code += "\n\n\n" + _sources(export.hand_model)
    else:
        code = _nn_init(config.init, export.outputs)
    return code + "\n\n\n" + _def(export.forward, export.doc, export.returns[impl])


def _manual_init(init, w, k):
    if init == "zeros":
        return (f"{w} = torch.zeros({k}, NUM_INPUTS, requires_grad=True)  # ({k}, d)\n"
                f"b = torch.zeros({k}, requires_grad=True)")
    if init == "normal":
        return (f"g = torch.Generator().manual_seed(SEED)\n"
                f"{w} = torch.randn({k}, NUM_INPUTS, generator=g).requires_grad_()  # N(0, 1)\n"
                f"b = torch.randn({k}, generator=g).requires_grad_()")
    return fill("""
        torch.manual_seed(SEED)
        init = nn.Linear(NUM_INPUTS, $k)  # only for its draw: uniform in ±1/√d, as the nn twin
        $w = init.weight.detach().clone().requires_grad_()  # ($k, d)
        b = init.bias.detach().clone().requires_grad_()    # ($k,)""", w=w, k=k)


def _nn_init(init, k):
    if init == "zeros":
        return (f"model = nn.Linear(NUM_INPUTS, {k})\n"
                "nn.init.zeros_(model.weight)\nnn.init.zeros_(model.bias)")
    if init == "normal":
        return fill("""
            model = nn.Linear(NUM_INPUTS, $k)
            g = torch.Generator().manual_seed(SEED)
            with torch.no_grad():  # N(0, 1), drawn as the lab draws it
                model.weight.normal_(generator=g)
                model.bias.normal_(generator=g)""", k=k)
    return f"torch.manual_seed(SEED)\nmodel = nn.Linear(NUM_INPUTS, {k})  # uniform in ±1/√d"


def _def(name, doc, expression, args="X"):
    return f'def {name}({args}):\n    """{doc}"""\n    return {expression}'


def loss_and_optimizer(config, impl, changes_lr=False):
    """Step 3: the loss (hand-written or the library's) and SGD; loss_of(X, y, reduction).

    changes_lr: the run changed its lr, so lr_at(update) reads it from LR_SCHEDULE.
    """
    export = FAMILIES[config.model].export
    call = export.forward
    hand, module, functional = export.loss_names
    what = "The batch loss: the mean or the sum over its examples."
    lr_at = _def("lr_at", "The lr of update number `update` (from 0), as in the run.",
                 "[lr for start, lr in LR_SCHEDULE if start <= update][-1]", "update")
    lr_at = lr_at + "\n\n\n" if changes_lr else ""
    if impl == "manual":
        code = _sources(export.hand_loss) + "\n\n\n"
        code += "# the optimizer: plain SGD, w ← w − lr·∂L/∂w, in the training cycle\n\n\n"
        return code + lr_at + _def("loss_of", what, f"{hand}({call}(X), y, reduction)",
                                   "X, y, reduction")
    code = lr_at + (f"criterion = {module}(reduction=REDUCTION)\n"
                    f"optimizer = torch.optim.SGD(model.parameters(), "
                    f"lr={'lr_at(0)' if changes_lr else 'LR'})\n\n\n")
    return code + _def("loss_of", what, f"{functional}({call}(X), y, reduction=reduction)",
                       "X, y, reduction")


def evaluate(config):
    """evaluate(X, y): lab.train.score, the sum of per-example losses in chunks, over n."""
    predict = FAMILIES[config.model].export.predict
    count = f"\n            correct += int(({predict} == yc).sum())" if predict else ""
    result = "total / len(y), correct / len(y)" if predict else "total / len(y)"
    return fill('''
        def evaluate(X, y):
            """$what over a whole split, scored in chunks."""
            total, correct = 0.0, 0
            with torch.no_grad():
                for start in range(0, len(y), EVAL_CHUNK):
                    Xc = features(X[start:start + EVAL_CHUNK])
                    yc = y[start:start + EVAL_CHUNK]
                    total += loss_of(Xc, yc, "sum").item()$count
            return $result''', count=count, result=result,
                what="(mean per-example loss, accuracy)" if predict
                else "The mean per-example loss")


def report(config, data_name):
    """report(epoch): one printed line with the epoch's losses (and accuracies)."""
    splits = ("train", "test") if has_test_split(data_name) else ("train",)
    accuracy = FAMILIES[config.model].labels is not None
    lines, fields = [], []
    for s in splits:
        names = f"{s}_loss, {s}_acc" if accuracy else f"{s}_loss"
        lines.append(f"    {names} = evaluate(X_{s}, y_{s})")
        fields.append(f"{s}_loss {{{s}_loss:.9g}}")
        if accuracy:
            fields.append(f"{s}_acc {{{s}_acc:.9g}}")
    return ('def report(epoch):\n    """One line: the epoch\'s numbers after its last update."""\n'
            + "\n".join(lines) + "\n    print(" + _f_string(["epoch {epoch}", *fields]) + ")")


def _f_string(fields, width=64):
    """f"…" parts joined by spaces, split into adjacent f-strings of at most `width`."""
    parts = [fields[0]]
    for field in fields[1:]:
        if len(parts[-1]) + len(field) > width:
            parts.append("")
        parts[-1] += " " + field
    return "\n          ".join(f'f"{part}"' for part in parts)


def training(config, impl, changes_lr=False):
    """Step 4: lab.train's loop: a seeded randperm per epoch, one train_step per batch.

    changes_lr: each update takes its lr from lr_at(update), where the run changed it.
    """
    step = _update(config.model, impl, "lr" if changes_lr else "LR")
    counter = ""
    if changes_lr:
        counter = "update = 0  # updates done: LR_SCHEDULE says when the lr changes\n"
        set_lr = ("lr = lr_at(update)" if impl == "manual"
                  else 'optimizer.param_groups[0]["lr"] = lr_at(update)')
        step = f"{set_lr}  # as the run's lr was then\n{step}\nupdate += 1"
    return counter + fill("""
        rng = torch.Generator().manual_seed(SEED)  # the batch order, drawn as the lab draws it
        n = len(y_train)
        for epoch in range(1, NUM_EPOCHS + 1):
            if BATCH_SIZE >= n:
                batches = [None]  # one batch of all the rows, in order
            else:                 # a new shuffle each epoch, cut into batches
                batches = torch.randperm(n, generator=rng).split(BATCH_SIZE)
            for idx in batches:
                X = features(X_train if idx is None else X_train[idx])
                y = y_train if idx is None else y_train[idx]
        $step
                if not math.isfinite(loss.item()):
                    raise SystemExit(f"epoch {epoch}: the loss became {loss.item()}; "
                                     f"lower the learning rate")
            report(epoch)""", step=_indent(step, 8))


def _update(family, impl, lr):
    """One batch's forward, loss, backward and update; `lr` names the learning rate."""
    export = FAMILIES[family].export
    w, out, call, hand = export.weight, export.output, export.forward, export.loss_names[0]
    if impl == "manual":
        return _commented([
            (f"{out} = {call}(X)", "1. forward"),
            (f"loss = {hand}({out}, y, REDUCTION)", "2. loss"),
            ("loss.backward()", "3. backward: autograd fills .grad"),
            ("with torch.no_grad():", "4. update, outside the graph"),
            (f"    {w} -= {lr} * {w}.grad", ""),
            (f"    b -= {lr} * b.grad", ""),
            (f"    {w}.grad.zero_()", "grads add up unless zeroed"),
            ("    b.grad.zero_()", "")])
    return _commented([
        (f"{out} = {call}(X)", "1. forward"), ("loss = criterion(" + out + ", y)", "2. loss"),
        ("optimizer.zero_grad()", ""), ("loss.backward()", "3. backward"),
        ("optimizer.step()", "4. update")])


def _sources(objects):
    """The source of functions and classes of lab.models.functions; a string names a constant."""
    lines = source_of(functions).splitlines()
    constants = [next(line for line in lines if line.startswith(f"{name} ="))
                 for name in objects if isinstance(name, str)]
    blocks = [source_of(obj).strip() for obj in objects if not isinstance(obj, str)]
    return "\n\n\n".join((["\n".join(constants)] if constants else []) + blocks)


def _commented(lines):
    """Code lines with their comments lined up in one column."""
    column = max(len(code) for code, _ in lines) + 2
    return "\n".join(f"{code:<{column}}# {comment}" if comment else code
                     for code, comment in lines)


def _indent(text, spaces):
    return "\n".join(" " * spaces + line if line else line for line in text.splitlines())
