"""What the app uses but does not decide: mail, password hashing, two-factor codes, uploads,
the interface language, the loaded content library, text cleaning and the record's anchor log."""
