"""The interview form's words: each choice's label, each field's title, and the line on
why each question matters (no Textual, no logic)."""

from __future__ import annotations

MODE_LABELS = {
    "internal": "Internal: used inside the organization only",
    "hosted_service": "Hosted service: offered to third parties (app, API, SaaS)",
    "on_device": "On device: shipped in a product on users' devices",
    "on_prem": "On premises: delivered to a customer's own servers",
    "research": "Research: non-commercial research",
}
OPENNESS_LABELS = {
    "any": "Any: weights I can run are enough",
    "open_weights": "Open weights: final weights downloadable, whatever the license",
    "open_license": "Open license: weights under an OSI-approved license",
    "osaid": "Open source AI (OSI OSAID 1.0): weights, code and data information",
}
DATA_LABELS = {
    "none": "None: nothing about people",
    "personal": "Personal data (names, messages, accounts)",
    "special_category": "Special categories (GDPR Art. 9)",
    "health": "Health or medical",
    "biometric": "Biometric (faces, voices, fingerprints)",
    "genetic": "Genetic",
    "financial": "Financial (accounts, credit, income)",
    "children": "About children",
    "employee": "About staff or applicants",
    "public_only": "Public, non-personal content only",
}
AUDIENCE_LABELS = {
    "businesses": "Businesses", "consumers": "Consumers", "employees": "Employees",
    "patients": "Patients", "minors": "Minors (under 18)",
}
MODALITY_LABELS = {
    "text": "Text", "image_input": "Image input", "audio_input": "Audio input", "code": "Code",
    "image_output": "Image output (generates images)",
}

WHY = {
    "domicile": "Some licenses exclude licensees in certain places, and your home law "
                "applies to you wherever you serve.",
    "users": "Llama licenses need a separate grant above 700 million monthly active users "
             "(counting affiliates). Write 2000000, 2,000,000, 2m or 2e6 (k, m, b: thousand, "
             "million, billion).",
    "revenue": "Revenue thresholds: the CCPA ($26.6M), Stability AI ($1M), LFM ($10M). "
               "Blank: not declared, and such rules ask for it. Same forms as users.",
    "data": "Creates most duties: personal data brings the GDPR; health data HIPAA and "
            "Art. 9; biometric data BIPA. Use cases add what they imply (medical advice: "
            "health).",
    "audience": "Minors bring COPPA, GDPR Art. 8, children's codes and some API terms; "
                "patients mean health data.",
    "regions": "The law where users are served applies: the EU AI Act bans some practices "
               "and adds duties for others. EU and EEA expand to their members.",
    "mode": "Hosting for third parties or shipping weights triggers different license "
            "terms than internal use.",
    "commercial": "Non-commercial and research-only licenses block any commercial use.",
    "categories": "Use policies forbid some uses; the AI Act treats some as high-risk.",
    "modalities": "The model must take your inputs; some licenses differ per modality.",
    "fine_tune": "Derivatives may have to carry the original name, notice or license.",
    "distill": "Several licenses forbid using outputs to train or improve other models.",
    "redistribute": "Passing weights on passes the license's restrictions on to recipients.",
    "openness": "OSAID needs weights, code and data information under open terms; "
                "few models pass.",
    "hardware": "Decides which GGUF builds fit in memory for the local smoke test.",
}

FIELD_TITLES = {
    "domicile": "Home country", "users": "Monthly active users",
    "revenue": "Annual revenue (USD)", "regions": "Users served in",
    "data": "Data it processes", "audience": "Who uses it",
    "mode": "Deployment mode", "commercial": "Commercial use", "categories": "Used for",
    "modalities": "Inputs", "openness": "Openness required", "hardware": "Memory",
}
