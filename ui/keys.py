"""Enter submits a form again, without Streamlit's English "Press Enter to submit form" hint.

Forms are made with ``enter_to_submit=False`` (``ui.widgets.form``), which also drops that
hint. :func:`enter_submits` puts a small script on the page (a ``st.components.v2``
component with no HTML) that, on Enter in a text field of the form, leaves the field (so
Streamlit takes its value) and clicks the form's first submit button.
"""
from __future__ import annotations

_JS = """
export default function (component) {
  const { data } = component;
  const all = (window.__bwEnterForms = window.__bwEnterForms || {});
  if (all[data.form]) document.removeEventListener('keydown', all[data.form], true);
  const handler = (e) => {
    if (e.key !== 'Enter' || e.isComposing || e.shiftKey || !e.target || e.target.tagName !== 'INPUT') return;
    const form = e.target.closest('[data-testid="stForm"]');
    if (!form || !form.querySelector('.st-key-' + data.button)) return;
    const button = form.querySelector('[data-testid="stFormSubmitButton"] button');
    if (!button || button.disabled) return;
    e.preventDefault();
    e.target.blur();
    setTimeout(() => button.click(), 60);
  };
  all[data.form] = handler;
  document.addEventListener('keydown', handler, true);
}
"""
_COMPONENT: list = []


def enter_submits(form_key: str, *, button: str) -> None:
    """Make Enter in a text field of form ``form_key`` press its submit button (widget key ``button``)."""
    if not _COMPONENT:
        import streamlit.components.v2 as v2

        _COMPONENT.append(v2.component("borderwatch.enter_submits", js=_JS))
    _COMPONENT[0](key=f"bw_enter_{form_key}", data={"form": form_key, "button": button}, height=0)
