"""The static template check, the version floor and the sandbox."""

from __future__ import annotations

import jinja2
import pytest
from jinja2.exceptions import SecurityError

from advisor.smoke.template_guard import check_versions, render_chat, scan_template
from tests.fixtures.tiny_gguf import CHATML_TEMPLATE
from tests.smoke.conftest import DORMANT_TEMPLATE, evil_template

SMOLLM_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging "
    "Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + "
    "message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\n' }}{% endif %}")


@pytest.mark.parametrize("template", [CHATML_TEMPLATE, SMOLLM_TEMPLATE,
                                      "{{ bos_token }}{% for m in messages %}{{ m['content'] }}"
                                      "{% if m.role == 'system' %}{{ raise_exception('no') }}"
                                      "{% endif %}{% endfor %}"])
def test_real_templates_are_clean(template):
    assert scan_template(template) == []


@pytest.mark.parametrize("template, token", [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "__class__"),
    ("{{ self.__init__.__globals__ }}", "__init__"),
    ("{{ x.func_globals }}", "func_globals"),
    ("{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}", "|attr"),
    ("{{ lipsum.__globals__['__builtins__']['__import__']('os') }}", "__globals__"),
    ("{% set s = namespace() %}\n{{ config.__class__ }}", "__class__"),
])
def test_injections_are_found_with_their_line(template, token):
    findings = scan_template(template)
    assert findings and findings[0].token == token
    assert findings[0].line == template.count("\n", 0, template.index(token)) + 1


def test_sandbox_blocks_what_plain_jinja_runs(tmp_path):
    marker = tmp_path / "pwned"
    messages = [{"role": "user", "content": "hi"}]
    jinja2.Environment().from_string(evil_template(marker)).render(messages=messages)
    assert marker.exists(), "the test template must really be malicious"
    marker.unlink()
    with pytest.raises(SecurityError):
        render_chat(evil_template(marker), messages)
    assert not marker.exists()
    assert render_chat(DORMANT_TEMPLATE, messages).endswith("<|im_start|>assistant\n")


def test_version_floor():
    assert check_versions() == []   # the installed ones
    assert check_versions({"llama-cpp-python": "0.3.36", "jinja2": "3.1.5"}) == [
        "jinja2 3.1.5 is older than 3.1.6 (sandbox escape fixes of 3.1.6)"]
    assert "CVE-2024-34359" in check_versions({"llama-cpp-python": "0.2.71",
                                               "jinja2": "3.1.6"})[0]
    assert check_versions({"jinja2": "3.1.6"}) == [
        "llama-cpp-python is not installed (need >= 0.2.72)"]


QWEN_LIKE_TEMPLATE = (
    "{%- for message in messages[::-1] %}{%- set index = (messages|length - 1) - loop.index0 %}"
    "{%- if message.role == 'user' and messages[index]['content'] is string %}"
    "{{ message.content.split('</think>')[-1].lstrip('\\n') }}{%- endif %}{%- endfor %}"
    "{%- for tool in tools or [] %}{{ tool.function.name }}{{ tool | tojson }}{%- endfor %}"
    "{%- set ns = namespace(first=true) %}{%- if ns.first %}{{ '<|im_start|>assistant' }}"
    "{%- endif %}")


@pytest.mark.parametrize("template, token", [
    ("{{ x['__cla' + 'ss__'] }}", "__cla"),
    ("{% set u = '_' %}{{ x[u ~ u ~ 'class' ~ u ~ u] }}", "computed item name"),
    ("{{ x['_' + '_class_' + '_'] }}", "computed item name"),
    ("{{ x['%s%sclass%s%s'|format('_', '_', '_', '_')] }}", "computed item name"),
    ("{{ x['_' '_class_' '_'] }}", "__class__"),                     # adjacent literals
    ("{{ x['\\U0000005f\\U0000005fclass\\U0000005f\\U0000005f'] }}", "__class__"),
    ("{{ x['\\x5f\\x5fclass\\x5f\\x5f'] }}", "__class__"),
    ("{{ self._TemplateReference__context }}", "_TemplateReference__context"),
    ("{% set a = '_' %}{% set b = a + a %}{% set k = b ~ 'class' ~ b %}\n{{ x[k] }}",
     "computed item name"),
    ("{{ xs | map(attribute=k) | list }}", "|map(attribute=...)"),
    ("{{ x.mro }}", "mro"),
    ("{% for %}", "does not parse: Expected an expression, got 'end of statement block'"),
])
def test_obfuscated_reaches_are_found_in_the_syntax_tree(template, token):
    findings = scan_template(template)
    assert findings and findings[0].token == token, findings
    assert findings[0].line == template.count("\n") + 1          # the last line, here


def test_templates_with_computed_indexes_and_tools_are_clean():
    assert scan_template(QWEN_LIKE_TEMPLATE) == []
    assert scan_template("{{ messages[loop.index0 - 1]['content'] if loop else '' }}") == []


def test_a_broken_template_names_the_file_and_the_template(tmp_path, run_advisor,
                                                             assert_one_line_error):
    from tests.fixtures.tiny_gguf import write_tiny_gguf

    model = write_tiny_gguf(tmp_path / "broken-template.gguf", chat_template="{% for %}")
    proc = run_advisor("smoke", "--gguf", str(model), "--no-hash")
    assert_one_line_error(proc, f"tokenizer.chat_template of {model} does not parse",
                          "template line 1", status=1)
