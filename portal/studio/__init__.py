"""The questionnaire studio's pages (vendor questionnaire editors and admins only).

preview     a version as customers see it, in either language and deployment, test-filled
"""
